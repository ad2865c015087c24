"""The web app's German texts in one place; another language would be a second dict like this one."""
from __future__ import annotations

DE = {
    "nav_label": "Hauptnavigation",
    "nav_tasks": "Meine Aufgaben", "nav_cases": "Fälle", "nav_followups": "Nachverfolgung",
    "nav_dashboard": "Dashboard", "nav_modeler": "Modellierung", "logout": "Abmelden",
    "signed_in_as": "Angemeldet als",
    "home_title": "Meine Aufgaben", "start_title": "Startseite",
    "start_intro": "Willkommen bei KIM Fallprozesse. Ihre Bereiche:",
    "start_none": "Für Ihre Rolle gibt es hier noch keine Seiten. Bitte nutzen Sie die Schnittstelle (API).",
    "tasks_empty": "Keine offenen Aufgaben – gut gemacht.",
    "tasks_caption": "Offene Aufgaben, fällige und überfällige zuerst",
    "col_case": "Fall", "col_task": "Aufgabe", "col_due": "Fällig", "col_assignee": "Bearbeitung",
    "col_actions": "Aktionen", "overdue": "überfällig", "no_due": "ohne Frist", "unassigned": "Team",
    "claim": "Übernehmen", "unclaim": "Zurückgeben", "hand_over": "Übergeben an …", "hand_over_to": "Übergeben an",
    "hand_over_button": "Übergeben",
    "claimed": "Sie haben die Aufgabe übernommen.", "unclaimed": "Die Aufgabe liegt wieder beim Team.",
    "handed_over": "Die Aufgabe wurde übergeben.",
    "cases_title": "Fälle", "search_label": "Suche (Familienname, Aktenzeichen oder Pseudonym)",
    "search_label_pseudo": "Suche (Aktenzeichen oder Pseudonym)", "search": "Suchen",
    "cases_empty": "Keine Fälle gefunden.", "col_number": "Aktenzeichen", "col_pseudonym": "Pseudonym",
    "col_name": "Name", "col_place": "Gemeinde", "col_status": "Status", "col_opened": "Eröffnet",
    "status_open": "offen", "status_closed": "abgeschlossen",
    "prev": "Zurück", "next": "Weiter", "page_of": "Seite {page} von {pages}",
    "new_case": "Neuen Fall anlegen", "municipality": "Gemeinde", "given_name": "Vorname",
    "family_name": "Familienname", "birth_date": "Geburtsdatum", "nationality": "Staatsangehörigkeit",
    "languages": "Sprachen (durch Komma getrennt)", "create": "Fall anlegen",
    "form_errors": "Bitte die markierten Angaben prüfen.", "required": "Bitte ausfüllen.",
    "bad_date": "Bitte ein gültiges Datum angeben (nicht in der Zukunft).", "too_long": "Zu lang.",
    "bad_place": "Bitte eine Gemeinde auswählen.",
    "case_title": "Fall", "timeline": "Verlauf", "open_tasks": "Offene Aufgaben", "consents": "Einwilligungen",
    "referrals": "Verweisungen", "goals": "Ziele und Fortschritt", "followup": "UmA-Nachverfolgung",
    "none": "Keine Einträge.", "given_on": "erteilt am", "withdrawn": "widerrufen",
    "in_force": "gültig", "referred_on": "verwiesen am", "target_date": "Zieldatum",
    "progress_none": "noch nicht ausgewertet", "by": "von", "system": "System",
    "followup_none": "Keine Nachverfolgung für diesen Fall.", "followup_due": "fällig am",
    "followup_checkins": "Kontakte", "followup_outcome": "Ergebnis",
    "not_found": "Diesen Fall gibt es nicht oder Sie haben keinen Zugriff darauf.",
    "not_found_title": "Nicht gefunden", "to_start": "Zur Startseite",
    "client": "Person", "pseudonymised": "Pseudonymisierte Ansicht: keine personenbezogenen Daten.",
}

KINDS = {"consent": "Einwilligung", "data_processing": "Datenverarbeitung", "release": "Schweigepflichtentbindung"}
AGENCIES = {"foreigners_authority": "Ausländerbehörde", "jobcenter": "Jobcenter", "jmd": "Jugendmigrationsdienst",
            "mbe": "Migrationsberatung (MBE)", "refugee_counselling": "Flüchtlingsberatung",
            "employment_agency": "Agentur für Arbeit", "social_services": "Sozialamt"}
PROGRESS = {"achieved": "erreicht", "partly_achieved": "teilweise erreicht", "in_progress": "in Bearbeitung",
            "not_achieved": "nicht erreicht"}
FOLLOWUP_STATES = {"planning": "in Planung", "scheduled": "geplant", "due": "heute fällig", "overdue": "überfällig",
                   "done": "abgeschlossen"}
OUTCOMES = {"still_employed": "weiter beschäftigt", "ended": "beendet"}
HISTORY_STATES = {"completed": "erledigt", "ready": "begonnen", "cancelled": "abgebrochen"}

# (endpoint, text key, roles that see it)
NAV = [
    ("web.home", "nav_tasks", None),
    ("casepages.cases", "nav_cases", {"case_manager", "coordinator", "steering", "dpo"}),
    ("casepages.followups", "nav_followups", {"case_manager", "coordinator", "steering"}),
    ("dashboard.dashboard", "nav_dashboard", {"coordinator", "steering"}),
    ("modeler.modeler", "nav_modeler", {"process_owner"}),
]


def nav_for(role: str) -> list[tuple[str, str]]:
    """The navigation entries (endpoint, text key) a role sees."""
    return [(ep, key) for ep, key, roles in NAV if roles is None or role in roles]
