"""Form schemas (JSON Schema, forms/*.json): checking them and validating submissions."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from ..clock import today_berlin
from ..errors import InvalidInput
from .decisions import is_decision
from .form_dates import date_errors, schema_problems

CHOOSE = "Bitte eine Auswahl treffen."
_VALIDATORS: dict[tuple[str, int], Draft202012Validator] = {}
_LOCK = threading.Lock()


def check_form_schema(schema: Any) -> list[str]:
    """Problems that make ``schema`` unusable as a form (empty list if fine)."""
    if not isinstance(schema, dict):
        return ["Ein Formular muss ein JSON-Objekt sein."]
    problems = []
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.path) or "oberste Ebene"
        problems.append(f"Kein gültiges JSON Schema (Stelle: {where}, Regel: {exc.validator}).")
    if schema.get("type") != "object":
        problems.append('Ein Formular muss "type": "object" haben.')
    return problems + schema_problems(schema)


def validator_for(
    form_version_id: int, load_schema: Callable[[], dict], database: str = ""
) -> Draft202012Validator:
    """A compiled validator per form version of a database (schemas are immutable once deployed; the
    database's URL keeps two databases' equal ids apart, as in a test process that serves several)."""
    key = (database, form_version_id)
    validator = _VALIDATORS.get(key)
    if validator is None:
        validator = Draft202012Validator(load_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
        with _LOCK:
            _VALIDATORS[key] = validator
    return validator


def _path(error) -> str:
    parts = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        parts.append(missing)
    return ".".join(parts) or "_form"


def _german(error) -> str:  # noqa: PLR0911, PLR0912 - a translation table: one message per validator
    v, value = error.validator, error.validator_value
    if v == "required":
        return CHOOSE if _missing_decision(error) else "Pflichtfeld: bitte ausfüllen."
    if v == "type":
        names = {
            "string": "Text",
            "boolean": "Ja/Nein",
            "integer": "ganze Zahl",
            "number": "Zahl",
            "array": "Liste",
            "object": "Objekt",
            "null": "leer",
        }
        wanted: list[str] = value if isinstance(value, list) else [value]  # type names
        return "Ungültiger Wert: erwartet " + " oder ".join(names.get(w, w) for w in wanted) + "."
    if v == "enum":
        titles = error.schema.get("x-enum-titles") or value
        return "Ungültige Auswahl. Erlaubt: " + ", ".join(str(t) for t in titles) + "."
    if v == "const":
        return "Dieser Wert muss gesetzt sein."
    if v == "format":
        return {
            "date": "Ungültiges Datum (Format JJJJ-MM-TT).",
            "date-time": "Ungültiger Zeitpunkt.",
            "email": "Ungültige E-Mail-Adresse.",
        }.get(value, "Ungültiges Format.")
    if v == "maxLength":
        return f"Zu lang: höchstens {value} Zeichen."
    if v == "minLength":
        return f"Zu kurz: mindestens {value} Zeichen."
    if v == "minItems":
        return f"Bitte mindestens {value} Eintrag/Einträge angeben."
    if v == "maxItems":
        return f"Höchstens {value} Einträge erlaubt."
    if v == "uniqueItems":
        return "Jeder Eintrag darf nur einmal vorkommen."
    if v == "minimum":
        return f"Der Wert muss mindestens {value} sein."
    if v == "maximum":
        return f"Der Wert darf höchstens {value} sein."
    if v == "additionalProperties":
        return _unknown_fields(error)
    return "Ungültiger Wert."


def _missing_decision(error) -> bool:
    """Whether the missing required field is a decision (engine/processes/decisions.py)."""
    missing = error.message.split("'")[1] if "'" in error.message else ""
    schema = error.schema if isinstance(error.schema, dict) else {}
    spec = (schema.get("properties") or {}).get(missing)
    return is_decision(missing, spec or {}, schema.get("required") or ())


def _unknown_fields(error) -> str:
    # Named from the data itself: jsonschema's message is English and mangles names with "(".
    known, patterns = error.schema.get("properties", {}), error.schema.get("patternProperties", {})
    names = sorted(
        str(k) for k in error.instance if k not in known and not any(re.search(p, k) for p in patterns)
    )
    shown = ", ".join(names[:10]) + (f" (und {len(names) - 10} weitere)" if len(names) > 10 else "")
    return ("Unbekanntes Feld: " if len(names) == 1 else "Unbekannte Felder: ") + shown + "."


def validate_form_data(
    form_version_id: int, load_schema: Callable[[], dict], data: Any, database: str = ""
) -> None:
    """Raise InvalidInput with German per-field messages if ``data`` does not fit the form, its dates
    included (engine/processes/form_dates.py: not in the future, not before the agreement, ...)."""
    validator = validator_for(form_version_id, load_schema, database)
    errors: dict[str, list[str]] = {}
    for error in validator.iter_errors(data):
        # if/then failures are reported through their sub-errors.
        for leaf in (error.context or [error]) if error.validator in {"anyOf", "oneOf"} else [error]:
            errors.setdefault(_path(leaf), []).append(_german(leaf))
    if isinstance(data, dict):
        for path, messages in date_errors(validator.schema, data, today_berlin()).items():
            errors.setdefault(path, messages)
    if errors:
        raise InvalidInput("Die Formulardaten sind unvollständig oder ungültig.", errors=errors)
