"""Texts of the household section and the duplicate warning (German; codes' labels come from
engine/vocabulary.py)."""

from __future__ import annotations

HH = {
    "release_title": "Schweigepflichtentbindung erfassen",
    "release_intro": (
        "Für die angekreuzten Personen; für Minderjährige gibt sie die sorgeberechtigte Person ab."
    ),
    "release_agency": "Gegenüber",
    "release_members": "Für",
    "release_given_on": "Unterschrieben am",
    "release_button": "Schweigepflichtentbindung speichern",
    "release_incomplete": "Bitte Stelle, Datum und mindestens eine Person angeben.",
    "release_saved": "Die Schweigepflichtentbindung ist gespeichert.",
    "title": "Haushalt",
    "position": "Nr.",
    "relationship": "Beziehung",
    "name": "Name",
    "age": "Alter",
    "years": "Jahre",
    "minor": "minderjährig",
    "residence": "Aufenthaltsstatus",
    "valid_until": "gültig bis",
    "expires_soon": "läuft bald ab",
    "left": "ausgeschieden am",
    "languages": "Sprachen (mit Komma getrennt)",
    "add": "Person zum Haushalt hinzufügen",
    "add_button": "Hinzufügen",
    "change": "Ändern",
    "change_button": "Änderungen speichern",
    "leave": "Ausscheiden",
    "leave_reason": "Grund des Ausscheidens",
    "leave_button": "Ausscheiden erfassen",
    "leave_confirm_title": "Wirklich aus dem Haushalt ausscheiden lassen?",
    "leave_confirm": "{name} gehört danach nicht mehr zum Haushalt; die Angaben bleiben im Verlauf erhalten.",
    "leave_yes": "Ja, ausscheiden lassen",
    "none_status": "– keine Angabe –",
    "pseudonymised": "Namen und Geburtsdaten sind für Ihre Rolle nicht sichtbar.",
    "dup_title": "Möglicherweise schon bekannt",
    "dup_intro": (
        "Diese Personen sind in Ihren Fällen bereits erfasst. Bitte prüfen, ob es dieselbe Person ist:"
    ),
    "dup_open": "Fall öffnen",
    "dup_similarity": "Ähnlichkeit",
    "dup_swapped": "Vor- und Familienname vertauscht",
    "create_anyway": "Trotzdem anlegen",
    "add_anyway": "Trotzdem hinzufügen",
    "saved": "Der Haushalt wurde gespeichert.",
    "bad_date": "Bitte ein gültiges Datum angeben.",
    "required": "Bitte ausfüllen.",
}
