"""Texts of the escalation path's pages: raising a topic, the step forms on the topic page, the meetings
of the bodies and their printable agenda and minutes (German; codes' labels come from
engine/vocabulary.py, the step forms' labels from their form JSON)."""

from __future__ import annotations

MT = {
    # raising a topic
    "raise": "Thema einbringen",
    "raise_intro": (
        "Ein strukturelles Thema aus der Fallarbeit für das örtliche Gremium. Fälle nur über ihr "
        "Pseudonym nennen; keine Namen oder Geburtsdaten von Klientinnen und Klienten."
    ),
    "raise_title": "Titel",
    "raise_category": "Lebensbereich",
    "raise_municipality": "Gemeinde",
    "raise_description": "Beschreibung",
    "raise_cases": "Fälle (Pseudonyme, durch Komma getrennt)",
    "raise_cases_hint": "Optional. Nur Fälle, auf die Sie Zugriff haben.",
    "raise_button": "Thema einbringen",
    "raised": "Das Thema {number} ist eingebracht.",
    "raise_forbidden": "Themen bringen Case-Managerinnen, Case-Manager und die koordinierenden Stellen ein.",
    "please_choose": "– bitte wählen –",
    # the topic page's step form
    "step_title": "Nächster Schritt: {name}",
    "step_meeting": (
        "Dieser Schritt wird in der Regel im Protokoll einer Sitzung von {body} festgehalten; "
        "er kann auch hier erfasst werden."
    ),
    "step_meetings_link": "Zu den Sitzungen",
    "step_refused": "Diesen Schritt entscheiden Sie nicht: {reason}",
    "step_save": "Entscheidung speichern",
    "step_saved": "Gespeichert: {name}.",
    "step_none": "Dieses Thema wartet auf keine Entscheidung (mehr).",
    "form_errors": "Bitte die markierten Angaben prüfen; nichts wurde gespeichert.",
    "confirm_title": "Bitte bestätigen",
    "confirm_hint": (
        "Noch ist nichts gespeichert. Zum Ändern die Angaben unten anpassen und erneut speichern."
    ),
    # meetings
    "nav_meetings": "Sitzungen",
    "meetings_title": "Sitzungen der Gremien",
    "meetings_body": "Gremium",
    "meetings_all_bodies": "Alle Gremien",
    "meetings_show": "Anzeigen",
    "meetings_upcoming": "Geplante Sitzungen",
    "meetings_past": "Vergangene Sitzungen mit Protokoll",
    "meetings_none_upcoming": "Keine geplanten Sitzungen.",
    "meetings_none_past": "Noch keine Sitzung mit Protokoll.",
    "col_date": "Datum",
    "col_body": "Gremium",
    "col_place": "Ort",
    "col_items": "Tagesordnungspunkte",
    "col_status": "Stand",
    "minutes_pending": "Protokoll ausstehend",
    "plan": "Sitzung planen",
    "plan_body": "Gremium",
    "plan_date": "Datum der Sitzung",
    "plan_location": "Ort",
    "plan_button": "Sitzung planen",
    "planned": "Die Sitzung ist geplant.",
    "bad_date": "Bitte ein gültiges Datum angeben (TT.MM.JJJJ).",
    "bad_body": "Bitte ein Gremium wählen.",
    "too_long": "Höchstens 200 Zeichen.",
    "meeting_title": "Sitzung {body} am {date}",
    "meeting_not_found": "Diese Sitzung gibt es nicht.",
    "meeting_facts": "Angaben zur Sitzung",
    "agenda": "Tagesordnung",
    "agenda_waiting": (
        "Noch nicht zusammengestellt: diese offenen Themen warten auf das Gremium und kommen beim "
        "Zusammenstellen auf die Tagesordnung."
    ),
    "agenda_empty": "Keine Themen für diese Sitzung.",
    "agenda_assemble": "Tagesordnung aus offenen Themen zusammenstellen",
    "agenda_reassemble": "Neu wartende Themen ergänzen",
    "agenda_assembled": "Die Tagesordnung ist zusammengestellt.",
    "col_top": "TOP",
    "col_topic": "Thema",
    "col_municipality": "Gemeinde",
    "col_step": "Schritt",
    "col_kind": "Art",
    "col_order": "Reihenfolge",
    "col_outcome": "Beschluss",
    "up": "nach oben",
    "down": "nach unten",
    "up_label": "{number} nach oben",
    "down_label": "{number} nach unten",
    "moved": "Die Reihenfolge ist geändert.",
    "agenda_pdf": "Tagesordnung als PDF",
    "minutes_pdf": "Protokoll als PDF",
    "minutes": "Protokoll",
    "minutes_record": "Protokoll erfassen",
    "minutes_later": "Das Protokoll kann ab dem Tag der Sitzung erfasst werden.",
    "minutes_by": "Protokoll erfasst von {name} am {at}",
    "minutes_note": "Bemerkungen zur Sitzung",
    "minutes_none": "Das Protokoll ist noch nicht erfasst.",
    "minutes_title": "Protokoll erfassen: {body} am {date}",
    "minutes_intro": (
        "Für jeden Tagesordnungspunkt den Beschluss festhalten oder ihn vertagen. Nicht behandelte Punkte "
        "werden vertagt. Mit dem Speichern ist das Protokoll abgeschlossen."
    ),
    "minutes_item": "TOP {n}: {number} {title}",
    "minutes_treatment": "Behandlung",
    "minutes_decide": "Beschluss fassen",
    "minutes_defer": "Vertagen",
    "minutes_defer_reason": "Grund der Vertagung",
    "minutes_not_open": "Dieses Thema wartet nicht mehr auf das Gremium; es wird übergangen.",
    "minutes_save": "Protokoll speichern",
    "minutes_saved": "Das Protokoll ist gespeichert; die Themen sind weitergeleitet.",
    "minutes_confirm": "Mit dem Speichern werden diese Beschlüsse wirksam:",
    "minutes_confirm_button": "Ja, Protokoll so speichern",
    "minutes_forbidden": (
        "Das Protokoll erfassen die koordinierenden Stellen (bei der Lenkungsgruppe auch ihre Mitglieder)."
    ),
    "attendance": "Anwesenheit",
    "attendance_present": "anwesend",
    "attendance_absent": "nicht anwesend",
    "attendance_guests": "Weitere Teilnehmende (Funktionen)",
    "attendance_none": "Keine Angaben zur Anwesenheit.",
    "attendance_members": "Mitglieder",
    "chair": "Vorsitz",
    "reason": "Begründung",
    "solution": "Lösung",
    "mandate": "Auftrag",
    "working_group": "Arbeitsgruppe",
    "note": "Bemerkung",
    "pdf_agenda_title": "Tagesordnung",
    "pdf_minutes_title": "Protokoll",
    "pdf_generated": "Erstellt am {at} mit KIM Fallprozesse. Themen nennen Fälle nur über ihr Pseudonym.",
    "no_minutes_pdf": "Ein Protokoll gibt es erst, wenn es erfasst ist.",
    "location_none": "ohne Ortsangabe",
}
