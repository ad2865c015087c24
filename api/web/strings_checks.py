"""Texts of the case page's section on the authorities' checks (German; labels from engine/vocabulary.py)."""

from __future__ import annotations

CK = {
    "agency_title": "Prüfungen zu dieser Verweisung",
    "agency_intro": (
        "Die Checkliste hält die Einschätzung der Behörde fest; die Software gibt keine Rechtsberatung."
    ),
    "start": "beginnen",
    "check_started": "Die Prüfung ist begonnen; die Checkliste steht unten als Aufgabe bereit.",
    "open_tasks": "Offene Aufgaben",
    "no_open_tasks": "Keine offenen Aufgaben.",
    "title": "Prüfungen der Behörden",
    "intro": (
        "Bleiberechts- und Einbürgerungsprüfungen, die die Behörden auf eine Verweisung hin durchführen. "
        "Die Fallakte hält die Einschätzung der Behörde fest; sie gibt keine Rechtsberatung."
    ),
    "none": "Keine Prüfungen.",
    "agency": "Behörde",
    "status": "Stand",
    "started": "Begonnen am",
    "finished": "Abgeschlossen am",
    "form_version": "Checkliste Version",
    "path_met": "Voraussetzungen erfüllt",
    "path_not_met": "Voraussetzungen noch nicht erfüllt",
    "criterion": "Kriterium",
    "state": "Erfüllt?",
    "met": "erfüllt",
    "missing": "fehlt noch",
    "what": "Was fehlt",
    "possible_from": "Voraussichtlich ab",
    "action": "Aktion",
    "make_goal": "Als Ziel übernehmen",
    "goal_made": "Als Ziel übernommen",
    "goal_added": "Das fehlende Kriterium ist jetzt ein Ziel der Begleitung.",
    "notes": "Anmerkungen der Behörde",
    "running": "Die Prüfung läuft noch; das Ergebnis erscheint hier, sobald die Behörde es festhält.",
}
