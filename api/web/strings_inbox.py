"""Texts of the inbox's filters, sorting and search (German)."""

from __future__ import annotations

IN = {
    "title": "Aufgaben",
    "views_label": "Ansicht",
    "view_mine": "Meine Aufgaben",
    "view_team": "Alle im Team",
    "view_unassigned": "Nicht zugewiesen",
    "view_overdue": "Überfällig",
    "view_week": "Diese Woche fällig",
    "caption": "{view}: {count} offene Aufgaben",
    "caption_one": "{view}: 1 offene Aufgabe",
    "refine_label": "Filtern, sortieren und suchen",
    "process": "Prozess",
    "process_all": "Alle Prozesse",
    "municipality": "Gemeinde",
    "municipality_all": "Alle Gemeinden",
    "sort": "Sortieren nach",
    "sort_due": "Fälligkeit",
    "sort_case": "Fall (Aktenzeichen)",
    "sort_task": "Aufgabe",
    "q": "Suche (Aktenzeichen, Pseudonym oder Aufgabe)",
    "apply": "Anwenden",
    "reset": "Zurücksetzen",
    "empty_mine": "Sie haben keine Aufgabe übernommen; offene Aufgaben des Teams unter „Nicht zugewiesen“.",
    "empty": "Keine offenen Aufgaben in dieser Ansicht.",
    "searched": "Suche nach „{q}“",
}
