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
    "pages_label": "Seiten", "welcome": "Willkommen, {name}.", "skip": "Zum Inhalt springen",
    "brand": "KIM Fallprozesse", "error_title": "Fehler", "error_heading": "Das hat nicht geklappt",
    "forbidden_title": "Keine Berechtigung", "cm_only_create": "Nur Case-Manager:innen können Fälle anlegen.",
    # login
    "login_title": "Anmelden", "username": "Benutzername", "password": "Passwort", "login_button": "Anmelden",
    "or": "oder", "login_missing": "Bitte Benutzername und Passwort eingeben.",
    "login_stale": "Die Anmeldeseite war zu lange geöffnet oder der Browser blockiert Cookies. Bitte noch einmal anmelden.",
    "csrf_refused": "Das Sicherheitstoken (CSRF) fehlt oder ist ungültig. Bitte die Seite neu laden und noch einmal "
                    "versuchen.",
    "sso_unavailable": "Der Anmeldedienst ist gerade nicht erreichbar. Bitte später noch einmal versuchen oder mit "
                       "Benutzername und Passwort anmelden.",
    "sso_denied": "Die Anmeldung wurde beim Anmeldedienst abgebrochen oder abgelehnt.",
    "sso_failed": "Die Anmeldung über den Anmeldedienst ist fehlgeschlagen. Bitte noch einmal versuchen.",
    "sso_no_name": "Der Anmeldedienst hat keinen Benutzernamen übermittelt. Bitte an die Administration wenden.",
    "not_owner": "Diese Seite ist den Prozessverantwortlichen vorbehalten. Bitte wenden Sie sich an die "
                 "Prozessverantwortung, wenn ein Prozess oder Formular geändert werden soll.",
    # task form
    "back": "Zurück", "case_link": "Fall {pseudonym}", "due_on": "Fällig am {date}",
    "task_closed": "Diese Aufgabe ist nicht mehr offen (bereits erledigt oder abgebrochen).",
    "draft_restored": "Entwurf vom {at} Uhr (UTC) wiederhergestellt.",
    "required_hint": "Mit * markierte Felder sind Pflichtfelder.", "complete": "Erledigen",
    "save_draft": "Entwurf speichern", "no_form": "Diese Aufgabe hat kein Formular. Bestätigen Sie, wenn sie erledigt ist.",
    "confirm_done": "Erledigt bestätigen", "draft_saved": "Entwurf gespeichert. Die Aufgabe ist noch offen.",
    "task_done": "Aufgabe „{name}“ erledigt.", "required_sr": "(Pflichtfeld)", "new_row": "(neu)",
    "empty_rows": "Leere Zeilen werden nicht gespeichert.", "add_row": "Weitere Zeile: {label}",
    "please_choose": "– bitte wählen –", "no_answer": "keine Angabe", "row_word": "Eintrag",
    # Meine Aufgaben paging
    "tasks_page": "Aufgaben {first}–{last} von {total}",
    # follow-ups on the case page
    "followup_status": "Stand",
    # topics
    "nav_topics": "Themen", "topics_title": "Themen (Eskalation)", "topics_empty": "Keine Themen.",
    "topic_title": "Thema", "col_topic": "Thema", "col_category": "Lebensbereich", "col_level": "Ebene",
    "col_waiting": "Wartet auf", "col_age": "Alter", "age_days": "{n} Tage", "col_raised": "Eingebracht",
    "topic_description": "Beschreibung", "topic_cases": "Verknüpfte Fälle (Pseudonyme)",
    "topic_cases_hidden": "{n} weitere Fälle außerhalb Ihres Zugriffs", "topic_trail": "Verlauf der Entscheidungen",
    "topic_agenda": "Tagesordnungen", "col_date": "Datum", "col_step": "Schritt", "col_decision": "Entscheidung",
    "col_reason": "Begründung", "col_body": "Gremium", "col_who": "Wer", "col_meeting": "Sitzung", "agenda_entry": "{body}, Sitzung am {date}, TOP {n}",
    "topic_overdue": "überfällig", "topic_outcome": "Ergebnis", "topic_state": "Landesbehörde",
    "topic_reference": "Aktenzeichen des Landes", "topic_forwarded": "weitergeleitet am",
    "topic_answered": "beantwortet am", "topic_not_found": "Dieses Thema gibt es nicht oder Sie haben keinen Zugriff darauf.",
    "step_start": "Thema eingebracht", "step_answer_overdue": "Frist für die Antwort des Landes", "all_topics": "Alle Themen",
    # administration
    "nav_admin_users": "Benutzerkonten", "nav_admin_org": "Organisation",
    "admin_users_title": "Benutzerkonten", "admin_new_user": "Neues Konto anlegen", "admin_create": "Konto anlegen",
    "col_username": "Benutzername", "col_display_name": "Name", "col_role": "Rolle", "col_unit": "Gemeinde / Team",
    "col_agency": "Behörde", "col_locked": "Sperre", "col_active": "Konto", "active": "aktiv",
    "disabled": "deaktiviert", "locked_until": "gesperrt bis {until}", "not_locked": "–",
    "display_name": "Name (wie er in der Anwendung erscheint)", "role": "Rolle",
    "unit": "Gemeinde oder Team (nur Case-Management)", "agency": "Behörde (nur Rolle Behörde)",
    "initial_password": "Erstes Passwort (mindestens 10 Zeichen)", "new_password": "Neues Passwort (mindestens 10 Zeichen)",
    "unit_none": "– keine (kreisweit) –", "agency_none": "– keine –", "unit_team": "Team: {name}",
    "admin_user_title": "Konto {username}", "admin_scope": "Name, Rolle und Zuständigkeit", "save": "Speichern",
    "admin_scope_hint": "Ändern sich Rolle oder Zuständigkeit, wird das Konto überall abgemeldet.",
    "admin_access": "Zugang", "disable": "Konto deaktivieren", "enable": "Konto wieder aktivieren",
    "unlock": "Sperre aufheben", "reset_password": "Passwort neu setzen",
    "admin_disable_hint": "Deaktivieren meldet das Konto sofort überall ab (Browser und API).",
    "admin_password_hint": "Setzt auch eine Sperre zurück und meldet das Konto überall ab.",
    "admin_created": "Das Konto {username} wurde angelegt.", "admin_saved": "Die Änderungen wurden gespeichert.",
    "admin_disabled": "Das Konto wurde deaktiviert und {n} Anmeldung(en) widerrufen.",
    "admin_enabled": "Das Konto ist wieder aktiv.", "admin_unlocked": "Die Sperre wurde aufgehoben.",
    "admin_password_set": "Das Passwort wurde neu gesetzt; {n} Anmeldung(en) widerrufen.",
    "admin_back": "Zurück zu den Benutzerkonten", "admin_only": "Diese Seite ist der Administration vorbehalten.",
    "admin_user_missing": "Dieses Benutzerkonto gibt es nicht.", "admin_created_at": "angelegt am",
    "admin_failed_logins": "Fehlversuche seit der letzten Anmeldung",
    "org_title": "Organisation", "org_tenant": "Kreis", "org_case_prefix": "Aktenzeichen-Präfix",
    "org_retention": "Aufbewahrung nach Abschluss", "org_retention_default": "Voreinstellung der Installation",
    "org_retention_days": "{n} Tage", "org_regions": "Regionen und Gemeinden", "org_no_region": "ohne Region",
    "org_teams": "Teams (kreisweit)", "org_cm": "Case-Management", "yes": "ja", "no": "nein",
    "org_users": "aktive Konten", "org_county_wide": "Kreisweite Konten (ohne Gemeinde oder Team)",
    # coordinators' dashboard
    "dash_title": "Koordination", "dash_heading": "Koordination: Themen, Sitzungen und Programmzahlen",
    "dash_overview": "Überblick", "dash_open": "offen: {level}", "dash_oldest": "ältestes {days} Tage, Median {median}",
    "dash_overdue_tile": "überfällige Eskalationen", "dash_followups_tile": "Nachverfolgungen fällig",
    "dash_followups_next": "{n} in den nächsten 30 Tagen", "dash_levels": "Offene Themen je Ebene",
    "dash_funnel": "Trichter: vom Thema zur Lösung", "dash_funnel_chart": "Trichter der Themen",
    "dash_overdue": "Überfällige Eskalationen", "dash_all_topics": "Alle Themen", "dash_due_since": "fällig seit",
    "dash_reminders": "Erinnerungen: {n}", "dash_no_overdue": "Keine überfälligen Eskalationen.",
    "dash_meetings": "Kommende Sitzungen und Tagesordnungen", "dash_no_items": "Noch keine Themen für diese Sitzung.",
    "dash_no_meetings": "Keine Sitzungen geplant.", "dash_followups": "Fällige Nachverfolgungen (UmA)",
    "dash_case_pseudonym": "Fall (Pseudonym)", "dash_team": "Team",
    "dash_no_followups": "Keine Nachverfolgungen in den nächsten 30 Tagen.", "dash_figures": "Programmzahlen",
    "dash_school_year": "Schuljahr (1. August bis 31. Juli)", "dash_show": "Anzeigen",
    "dash_totals_year": "Schuljahr {year}:", "dash_persons": "unterstützte Personen", "dash_cm_cases": "CM-Fälle",
    "dash_referrals": "Verweisungen", "dash_topics_raised": "Themen eingebracht", "dash_csv": "CSV herunterladen",
    "dash_xlsx": "Excel (XLSX) herunterladen",
    "dash_suppressed": "Werte unter {n} werden zum Schutz einzelner Personen nicht gezeigt ({hidden}).",
    "dash_series_persons": "Unterstützte Personen", "dash_series_cm": "CM-Fälle",
    "dash_chart_years": "Unterstützte Personen und CM-Fälle je Schuljahr",
    "dash_chart_places": "Unterstützte Personen je Gemeinde {year}", "dash_chart_cm": "CM-Fälle je Gemeinde {year}",
    "dash_forbidden": "Das Dashboard sehen die koordinierenden Stellen und die Lenkungsgruppe.",
    "org_hint": "Die Organisation wird in der Seed-Datei gepflegt und mit „kim seed“ übernommen.",
}

ROLES = {"case_manager": "Case-Management", "coordinator": "Koordinierende Stelle", "process_owner":
         "Prozessverantwortung", "steering": "Lenkungsgruppe", "authority": "Behörde", "admin": "Administration",
         "dpo": "Datenschutzbeauftragte:r"}
TOPIC_STATUS = {"open": "offen", "closed": "abgeschlossen"}
FUNNEL = [("raised", "Eingebracht"), ("resolved_local", "Vor Ort gelöst"), ("escalated", "An die Lenkungsgruppe"),
          ("resolved_steering", "In der Lenkungsgruppe gelöst"), ("working_group", "An Arbeitsgruppen"),
          ("resolved_working_group", "Über Arbeitsgruppen gelöst"), ("forwarded", "An das Land weitergeleitet"),
          ("answered_state", "Antwort des Landes erhalten"), ("open", "Noch offen")]

KINDS = {"consent": "Einwilligung", "data_processing": "Datenverarbeitung", "release": "Schweigepflichtentbindung"}
AGENCIES = {"foreigners_authority": "Ausländerbehörde", "jobcenter": "Jobcenter", "jmd": "Jugendmigrationsdienst",
            "mbe": "Migrationsberatung (MBE)", "refugee_counselling": "Flüchtlingsberatung",
            "employment_agency": "Agentur für Arbeit", "social_services": "Sozialamt"}
PROGRESS = {"achieved": "erreicht", "partly_achieved": "teilweise erreicht", "in_progress": "in Bearbeitung",
            "not_achieved": "nicht erreicht"}
FOLLOWUP_STATES = {"planning": "in Planung", "scheduled": "geplant", "due": "heute fällig", "overdue": "überfällig",
                   "done": "abgeschlossen"}
# The stored status of a follow-up (engine/followups/models.py), as the case page shows it.
FOLLOWUP_STATUS = {"planning": "in Planung", "waiting": "läuft", "done": "abgeschlossen",
                   "stopped": "beendet (Fall geschlossen)"}
OUTCOMES = {"still_employed": "weiter beschäftigt", "ended": "beendet"}
HISTORY_STATES = {"completed": "erledigt", "ready": "begonnen", "cancelled": "abgebrochen"}

# (endpoint, text key, roles that see it)
NAV = [
    ("web.home", "nav_tasks", None),
    ("casepages.cases", "nav_cases", {"case_manager", "coordinator", "steering", "dpo"}),
    ("casepages.followups", "nav_followups", {"case_manager", "coordinator", "steering"}),
    ("dashboard.dashboard", "nav_dashboard", {"coordinator", "steering"}),
    ("topic_pages.topics", "nav_topics", {"case_manager", "coordinator", "steering"}),
    ("modeler.modeler", "nav_modeler", {"process_owner"}),
    ("admin.users", "nav_admin_users", {"admin"}),
    ("admin.organisation", "nav_admin_org", {"admin"}),
]


def nav_for(role: str) -> list[tuple[str, str]]:
    """The navigation entries (endpoint, text key) a role sees."""
    return [(ep, key) for ep, key, roles in NAV if roles is None or role in roles]
