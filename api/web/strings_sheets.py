"""Texts of the client sheets' pages: the catalogue page and "Bogen drucken" on the consent step."""

from __future__ import annotations

from typing import Any

SH: dict[str, Any] = {  # texts, and the documents' names by code (a dict)
    "title": "Übersetzungen der Bögen",
    "intro": (
        "Die Bögen für Klient:innen (Einwilligung, Schweigepflichtentbindung, Information nach Art. 13 "
        "DSGVO, „Was ist KIM?“) werden zweisprachig gedruckt: Deutsch und die Sprache der Klientin oder "
        "des Klienten. Hier laden Sie eine geprüfte Übersetzung oder die eigene Fassung der Rechtsabteilung "
        "als .po-Datei hoch; sie gilt statt der mitgelieferten, bis Sie sie zurücksetzen."
    ),
    "col_language": "Sprache",
    "col_source": "Herkunft",
    "col_state": "Prüfstand",
    "col_reviewed": "Geprüft von / am",
    "col_version": "Version",
    "col_action": "Aktion",
    "source_tenant": "eigene Fassung des Trägers",
    "source_shipped": "mitgeliefert",
    "source_none": "keine Übersetzung (deutscher Text mit Hinweis)",
    "state_draft": "Entwurf",
    "state_reviewed": "geprüft",
    "reset": "Zurücksetzen",
    "upload_title": "Katalog hochladen",
    "upload_language": "Sprache",
    "upload_file": ".po-Datei (UTF-8)",
    "upload_hint": (
        "Die Nachrichtenkennungen und Platzhalter (z. B. {tenant}, {retention}) müssen dem deutschen "
        "Text entsprechen. Im Kopf: „X-Review-State: reviewed“ mit „X-Reviewed-By“ und "
        "„X-Reviewed-On“, sonst „X-Review-State: draft“."
    ),
    "upload_button": "Hochladen",
    "uploaded": "Der Katalog ist gespeichert und gilt ab sofort.",
    "was_reset": "Es gilt wieder der mitgelieferte Katalog.",
    "print_title": "Bogen drucken",
    "print_intro": "Zweisprachige Bögen (PDF) in den Sprachen aus dem Erstgespräch:",
    "documents": {
        "consent": "Einwilligung",
        "release": "Schweigepflichtentbindung",
        "information": "Information nach Art. 13 DSGVO",
        "about": "Was ist KIM?",
    },
}
