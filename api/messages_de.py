"""marshmallow's messages in German, set once for every schema of the API (no English reaches users)."""

from __future__ import annotations

import inspect

from marshmallow import Schema, fields, validate

# Field messages by marshmallow's English text; placeholders stay as marshmallow fills them.
FIELD = {
    "Missing data for required field.": "Pflichtfeld: bitte ausfüllen.",
    "Field may not be null.": "Darf nicht leer sein.",
    "Invalid value.": "Ungültiger Wert.",
    "Invalid type.": "Ungültiger Typ.",
    "Not a valid boolean.": "Ungültiger Ja/Nein-Wert.",
    "Not a valid date.": "Ungültiges Datum (Format JJJJ-MM-TT).",
    '"{input}" cannot be formatted as a date.': "Ungültiges Datum.",
    "Special numeric values (nan or infinity) are not permitted.": "NaN und Unendlich sind nicht erlaubt.",
    "Not a valid email address.": "Ungültige E-Mail-Adresse.",
    "Must be one of: {choices}.": "Erlaubt sind: {choices}.",
    "Not a valid integer.": "Ungültige ganze Zahl.",
    "Not a valid list.": "Ungültige Liste.",
    "Not a valid mapping type.": "Ungültiges Objekt.",
    "Not a valid number.": "Ungültige Zahl.",
    "Number too large.": "Die Zahl ist zu groß.",
    "Not a valid string.": "Ungültiger Text.",
    "Not a valid utf-8 string.": "Ungültiger Text (kein UTF-8).",
    "Not a valid period of time.": "Ungültige Zeitspanne.",
    "{input!r} cannot be formatted as a timedelta.": "Ungültige Zeitspanne.",
    "Not a valid tuple.": "Ungültige Liste.",
    "Not a valid URL.": "Ungültige Adresse (URL).",
    "Not a valid UUID.": "Ungültige UUID.",
    "Not a valid {obj_type}.": "Ungültiger Zeitpunkt.",
    "Not a valid {awareness} {obj_type}.": "Ungültiger Zeitpunkt (Zeitzone).",
    '"{input}" cannot be formatted as a {obj_type}.': "Ungültiger Zeitpunkt.",
}
SCHEMA = {"type": "Ungültiger Eingabetyp.", "unknown": "Unbekanntes Feld."}


def install() -> None:
    """Replace marshmallow's default messages (fields, validators, schemas) by German ones."""
    for _name, cls in inspect.getmembers(fields, inspect.isclass):
        own = cls.__dict__.get("default_error_messages")
        if isinstance(own, dict):
            cls.default_error_messages = {  # type: ignore[attr-defined]  # getmembers yields type[object]
                k: FIELD.get(v, v) for k, v in own.items()
            }
    Schema._default_error_messages = {**Schema._default_error_messages, **SCHEMA}
    validate.Length.message_min = "Mindestens {min} Zeichen bzw. Einträge."
    validate.Length.message_max = "Höchstens {max} Zeichen bzw. Einträge."
    validate.Length.message_all = "Zwischen {min} und {max} Zeichen bzw. Einträge."
    validate.Length.message_equal = "Genau {equal} Zeichen bzw. Einträge."
    validate.Range.message_min = "Muss {min_op} {{min}} sein."
    validate.Range.message_max = "Muss {max_op} {{max}} sein."
    validate.Range.message_all = "Muss {min_op} {{min}} und {max_op} {{max}} sein."
    validate.Range.message_gte, validate.Range.message_gt = "mindestens", "größer als"
    validate.Range.message_lte, validate.Range.message_lt = "höchstens", "kleiner als"
    validate.OneOf.default_message = "Erlaubt sind: {choices}."
    validate.NoneOf.default_message = "Nicht erlaubt: {values}."
    validate.ContainsOnly.default_message = "Erlaubt sind nur: {choices}."
    validate.ContainsNoneOf.default_message = "Nicht erlaubt: {values}."
    validate.Regexp.default_message = "Das Format stimmt nicht."
    validate.Email.default_message = "Ungültige E-Mail-Adresse."
    validate.URL.default_message = "Ungültige Adresse (URL)."
    validate.Equal.default_message = "Muss {other} sein."
    validate.Predicate.default_message = "Ungültiger Wert."


install()
