"""Texts of the data-protection officer's pages and of the case managers' actions on the case page
(German; codes' labels come from engine/vocabulary.py)."""

from __future__ import annotations

# The navigation entries' texts (merged into api/web/strings.py's DE, where _nav.html reads them).
NAV_TEXTS = {
    "nav_dpo_audit": "Protokoll",
    "nav_dpo_access": "Auskunft (Art. 15)",
    "nav_dpo_holds": "Löschsperren",
    "nav_dpo_retention": "Löschvorschau",
}

DP = {
    # audit trail
    "audit_title": "Protokoll (Zugriffe und Änderungen)",
    "filter_legend": "Filter",
    "who": "Wer (Benutzername)",
    "case": "Fall (Aktenzeichen oder Pseudonym)",
    "action": "Aktion (z. B. case.read)",
    "since": "Von (Datum)",
    "until": "Bis einschließlich (Datum)",
    "filter_button": "Filtern",
    "reset": "Filter zurücksetzen",
    "col_at": "Zeit",
    "col_who": "Wer",
    "col_role": "Rolle",
    "col_action": "Aktion",
    "col_case": "Fall (Pseudonym)",
    "col_reason": "Anlass",
    "col_id": "Nr.",
    "entries_total": "{total} Einträge",
    "audit_caption": "Protokolleinträge, neueste zuerst",
    "audit_empty": "Keine Einträge zu diesen Filtern.",
    "bad_date": "Bitte ein gültiges Datum angeben (TT.MM.JJJJ oder JJJJ-MM-TT).",
    "bad_period": "„Bis“ darf nicht vor „Von“ liegen.",
    "too_long": "Zu lang.",
    "no_case": "Zu diesem Aktenzeichen oder Pseudonym gibt es keinen Fall.",
    "filter_errors": "Bitte die markierten Filter prüfen.",
    "system": "System",
    # chain status
    "chain_title": "Prüfung der Protokollkette",
    "chain_ok": "Protokoll unverändert: {entries}, Kette vollständig.",
    "chain_broken": "Protokoll VERÄNDERT",
    "chain_broken_at": "erster fehlerhafter Eintrag: {id}",
    "chain_checkpoint": "Geprüft seit dem signierten Prüfpunkt vom {at} UTC ({entries}, "
    "letzter Eintrag {last}).",
    "chain_no_checkpoint": "Noch kein Prüfpunkt vorhanden: die ganze Kette wurde geprüft.",
    "chain_hint": "Die Prüfung läuft bei jedem Aufruf dieser Seite (wie „kim audit verify“ seit dem letzten "
    "Prüfpunkt). Bei einer Veränderung bitte die Administration informieren.",
    # Art. 15
    "access_title": "Auskunft nach Art. 15 DSGVO",
    "access_intro": "Alle zu einer Person gespeicherten Daten und alle Zugriffe darauf: als Brief (PDF) zum "
    "Aushändigen an die Person und maschinenlesbar (JSON). Jede Auskunft wird protokolliert.",
    "access_reason": "Anlass der Auskunft (z. B. Antrag vom …)",
    "access_case": "Aktenzeichen oder Pseudonym",
    "access_or": "oder nach Name:",
    "access_family": "Familienname",
    "access_given": "Vorname",
    "access_birth": "Geburtsdatum",
    "access_pdf": "Brief (PDF) herunterladen",
    "access_json": "JSON herunterladen",
    "access_need": "Bitte ein Aktenzeichen, ein Pseudonym oder den Familiennamen angeben.",
    "access_none": "Zu diesen Angaben gibt es keinen Fall.",
    "reason_short": "Bitte den Anlass angeben (mindestens 5 Zeichen).",
    "form_errors": "Bitte die markierten Angaben prüfen.",
    # the letter
    "letter_subject": "Auskunft nach Art. 15 der Datenschutz-Grundverordnung (DSGVO)",
    "letter_date": "Datum",
    "letter_reason": "Anlass",
    "letter_salutation": "Guten Tag {name},",
    "letter_intro": "Sie haben Auskunft darüber verlangt, welche personenbezogenen Daten wir über Sie "
    "verarbeiten. Mit diesem Schreiben erhalten Sie die Auskunft nach Art. 15 DSGVO.",
    "letter_purposes_title": "Zwecke der Verarbeitung",
    "letter_purposes": "Wir verarbeiten Ihre Daten, um Sie im Kommunalen Integrationsmanagement (KIM) zu "
    "beraten und zu begleiten (Case-Management): Erstgespräch, Einschätzung Ihrer Lage, Vereinbarung und "
    "Überprüfung von Zielen, Verweisung an zuständige Stellen und die Nachverfolgung. Rechtsgrundlage ist "
    "Ihre Einwilligung (Art. 6 Abs. 1 lit. a DSGVO).",
    "letter_categories_title": "Kategorien der Daten",
    "letter_recipients_title": "Empfänger",
    "letter_recipients": "Ihre Daten sehen die zuständigen Case-Managerinnen und Case-Manager. "
    "Koordinierende Stellen, die Lenkungsgruppe und die/der Datenschutzbeauftragte sehen nur ein "
    "Pseudonym. An andere Stellen geben wir Daten nur mit Ihrer Schweigepflichtentbindung weiter "
    "(siehe unten).",
    "letter_storage_title": "Speicherdauer",
    "letter_storage": "Ihre personenbezogenen Daten werden {days} Tage nach Abschluss der Begleitung "
    "gelöscht, nach einem Widerruf der Einwilligung spätestens nach 30 Tagen. Es bleiben nur Angaben ohne "
    "Personenbezug für Statistiken (Gemeinde, Daten, Abschlussgrund).",
    "letter_rights_title": "Ihre Rechte",
    "letter_rights": "Sie haben das Recht auf Berichtigung (Art. 16), Löschung (Art. 17), Einschränkung der "
    "Verarbeitung (Art. 18) und Widerspruch (Art. 21). Ihre Einwilligung können Sie jederzeit für die "
    "Zukunft widerrufen. Sie können sich bei der Aufsichtsbehörde beschweren (Landesbeauftragte für "
    "Datenschutz und Informationsfreiheit Nordrhein-Westfalen).",
    "letter_data_title": "Ihre gespeicherten Daten",
    "letter_case": "Fall {number}",
    "letter_opened": "eröffnet am {date}",
    "letter_closed": "abgeschlossen am {date}",
    "letter_person": "Angaben zur Person",
    "letter_consents": "Einwilligungen und Schweigepflichtentbindungen",
    "letter_referrals": "Verweisungen",
    "letter_forms": "Angaben aus Gesprächen und Formularen",
    "letter_followups": "Nachverfolgung",
    "letter_accesses": "Zugriffe auf Ihre Daten",
    "letter_access_line": "{role}: {what} {count}-mal ({first} bis {last})",
    "letter_none": "keine",
    "letter_closing": "Mit freundlichen Grüßen",
    "letter_role": "Datenschutzbeauftragte/r",
    "letter_json": "Eine maschinenlesbare Fassung (JSON) erhalten Sie auf Wunsch zusätzlich.",
    "letter_page": "Seite",
    # legal holds
    "holds_title": "Löschsperren",
    "holds_intro": "Ein Fall mit Löschsperre wird nicht gelöscht (z. B. während eines Verfahrens). Setzen "
    "und Aufheben werden mit Grund protokolliert.",
    "holds_caption": "Fälle mit Löschsperre",
    "holds_empty": "Kein Fall hat eine Löschsperre.",
    "holds_set_title": "Löschsperre setzen",
    "hold_case": "Aktenzeichen oder Pseudonym",
    "hold_reason": "Grund (z. B. Aktenzeichen des Verfahrens)",
    "hold_set": "Löschsperre setzen",
    "hold_lift": "Löschsperre aufheben",
    "hold_lift_reason": "Grund für das Aufheben",
    "hold_reason_short": "Bitte den Grund angeben (mindestens 5 Zeichen).",
    "hold_saved": "Die Löschsperre für {pseudonym} ist gesetzt.",
    "hold_lifted": "Die Löschsperre für {pseudonym} ist aufgehoben.",
    "col_number": "Aktenzeichen",
    "col_pseudonym": "Pseudonym",
    "col_status": "Status",
    "col_hold_reason": "Grund",
    "col_actions": "Aktion",
    # retention preview
    "retention_title": "Löschvorschau",
    "retention_intro": "Fälle, deren personenbezogene Daten in den nächsten {days} Tagen gelöscht "
    "(anonymisiert) werden, nach derselben Regel wie der Löschlauf. Aufbewahrungsfrist nach Abschluss: "
    "{retention} Tage. Fälle mit Löschsperre stehen nicht in der Liste.",
    "retention_days": "Zeitraum (Tage)",
    "retention_show": "Anzeigen",
    "retention_caption": "Fälle, deren Daten gelöscht werden, frühester zuerst",
    "retention_empty": "In diesem Zeitraum wird nichts gelöscht.",
    "col_due": "Löschung am",
    "col_why": "Grund",
    "retention_overdue": "beim nächsten Löschlauf",
    "bad_days": "Bitte eine Zahl von 0 bis 366 angeben.",
}

# Case managers' actions on the case page (api/templates/_case_consent_actions.html, ...).
CA = {
    "withdraw_title": "Widerruf",
    "withdraw_release": "Schweigepflichtentbindung widerrufen …",
    "withdraw_release_confirm_title": "Bitte bestätigen: Schweigepflichtentbindung widerrufen?",
    "withdraw_release_consequence": "Verweisungen an {agency} sind danach nicht mehr möglich. Der Widerruf "
    "kann nicht rückgängig gemacht werden; eine neue Entbindung muss neu erfasst werden.",
    "withdraw_release_yes": "Ja, gegenüber {agency} widerrufen",
    "release_withdrawn": "Die Schweigepflichtentbindung gegenüber {agency} ist widerrufen.",
    "withdraw_consent": "Einwilligung zur Datenverarbeitung widerrufen …",
    "withdraw_consent_confirm_title": "Bitte bestätigen: Einwilligung zur Datenverarbeitung widerrufen?",
    "withdraw_consent_consequence": "Alle Prozesse des Falls werden beendet, offene Aufgaben abgebrochen, "
    "der Fall wird abgeschlossen und die personenbezogenen Daten werden nach {days} Tagen gelöscht. Das kann "
    "nicht rückgängig gemacht werden.",
    "withdraw_consent_yes": "Ja, Einwilligung widerrufen und Fall beenden",
    "consent_withdrawn": "Die Einwilligung ist widerrufen; der Fall ist abgeschlossen.",
    "cancel": "Abbrechen",
    "followup_start": "UmA-Nachverfolgung starten",
    "followup_started": "Die Nachverfolgung ist gestartet (erste Aufgabe: Koordinierungsgespräch).",
    "followup_end": "Nachverfolgung beenden …",
    "followup_end_reason": "Grund für das Beenden",
    "followup_end_confirm_title": "Bitte bestätigen: Nachverfolgung beenden?",
    "followup_end_consequence": "Die offenen Aufgaben der Nachverfolgung werden abgebrochen; sie kann nicht "
    "fortgesetzt werden (eine neue kann gestartet werden).",
    "followup_end_yes": "Ja, Nachverfolgung beenden",
    "followup_ended": "Die Nachverfolgung ist beendet.",
    "followup_started_at": "begonnen am",
    "topic_title": "Thema aus diesem Fall einbringen",
    "topic_intro": "Ein strukturelles Problem, das über diesen Fall hinausgeht, für das örtliche Gremium. "
    "Der Fall wird nur mit seinem Pseudonym ({pseudonym}) verknüpft: bitte keine Namen oder Geburtsdaten "
    "in Titel und Beschreibung.",
    "topic_name": "Titel",
    "topic_category": "Lebensbereich",
    "topic_municipality": "Gemeinde",
    "topic_description": "Beschreibung",
    "topic_button": "Thema einbringen",
    "topic_raised": "Das Thema {number} ist eingebracht; der Fall ist mit seinem Pseudonym verknüpft.",
    "required": "Pflichtfeld: bitte ausfüllen.",
    "title_short": "Bitte mindestens 3 Zeichen.",
    "too_long": "Zu lang.",
    "choose": "– bitte wählen –",
    "bad_choice": "Bitte einen Eintrag aus der Liste wählen.",
}

# The categories of data the letter names (api/templates/privacy_letter.html).
LETTER_CATEGORIES = [
    "Stammdaten (Name, Geburtsdatum, Staatsangehörigkeit, Sprachen)",
    "Einwilligungen und Schweigepflichtentbindungen",
    "Angaben aus Gesprächen und Formularen (Anliegen, Einschätzung, Ziele, Auswertungen)",
    "Verweisungen an andere Stellen",
    "Nachverfolgung von Arbeit oder Ausbildung (nur bei unbegleiteten Minderjährigen)",
    "Protokoll der Zugriffe auf Ihre Daten",
]
