"""Texts of the state's view (Landesübersicht), German."""

from __future__ import annotations

ST = {
    "title": "Landesübersicht",
    "heading": "Landesübersicht KIM: Programmzahlen aller Kreise und kreisfreien Städte",
    "intro": (
        "Pseudonymisierte Programmzahlen je Kreis und kreisfreier Stadt für ein Schuljahr "
        "({start} bis {end}), nebeneinander. Es gibt hier keine Fälle, Aufgaben oder Namen."
    ),
    "school_year": "Schuljahr",
    "show": "Anzeigen",
    "downloads": "Programmcontrolling herunterladen (eine Zeile je Kreis):",
    "csv": "CSV",
    "xlsx": "Excel (XLSX)",
    "json": "JSON",
    "overview": "Überblick je Kreis",
    "overview_caption": "Kennzahlen je Kreis und kreisfreier Stadt im Schuljahr {year}",
    "tenant": "Kreis / kreisfreie Stadt",
    "total": "Alle Kreise zusammen",
    "chart_persons": "Unterstützte Personen je Kreis im Schuljahr {year}",
    "breakdown_caption": "{name} je Kreis im Schuljahr {year}",
    "hidden_title": "ausgeblendet: weniger als {n}",
    "suppressed": (
        "Werte unter {n} sind zum Schutz einzelner Personen ausgeblendet ({hidden}), ebenso je Kennzahl "
        "ein weiterer Wert, wenn sonst ein ausgeblendeter Wert aus der Summe errechnet werden könnte. "
        "Themen betreffen Strukturen, nicht Personen, und werden nicht ausgeblendet."
    ),
    "no_tenants": "Es gibt noch keine Kreise.",
    "scroll": "Tabelle (seitlich scrollbar)",
}
