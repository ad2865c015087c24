"""Plausible dates in forms: keywords a form sets on its date fields, checked against today's date.

    "x-not-after-today": true          the date records what happened: not after today
                                       (first contact, consent, evaluation, closure)
    "x-not-before-today": true         the date is a deadline still to come: not before today
                                       (the due date of a document request)
    "x-max-days-ahead": 92             at most so many days after today (a job start may be planned,
                                       about three months ahead, but not further)
    "x-not-before": "agreement_date"   not before the date in that top-level field of the same form;
                                       also on the fields of list rows (each goal's target date)

"Today" is the Berlin date of engine/clock (time travel included). The keywords live in the form's JSON,
where a process owner reads and changes them; ``schema_problems`` refuses a keyword with a wrong value,
``date_errors`` gives German messages per field path ("goals.0.target_date") as the validator does, and
``hint`` the sentence a form shows under the field.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

NOT_AFTER_TODAY, MAX_DAYS_AHEAD, NOT_BEFORE = "x-not-after-today", "x-max-days-ahead", "x-not-before"
NOT_BEFORE_TODAY = "x-not-before-today"
KEYWORDS = (NOT_AFTER_TODAY, MAX_DAYS_AHEAD, NOT_BEFORE, NOT_BEFORE_TODAY)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _de(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def _as_date(value: Any) -> date | None:
    """A valid ISO date (JJJJ-MM-TT) or None; the format check reports everything else."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _title(root: dict, field: str) -> str:
    spec = (root.get("properties") or {}).get(field)
    return str(spec.get("title") or field) if isinstance(spec, dict) else field


def _properties(schema: Any) -> dict:
    """An object schema's properties (empty for anything else)."""
    found = schema.get("properties") if isinstance(schema, dict) else None
    return found if isinstance(found, dict) else {}


def _dated(properties: dict) -> list[tuple[str, dict]]:
    return [(k, s) for k, s in properties.items() if isinstance(s, dict) and any(kw in s for kw in KEYWORDS)]


def _rows(properties: dict) -> list[tuple[str, dict]]:
    """The list fields whose rows are objects (their fields may carry the keywords too)."""
    out = []
    for key, spec in properties.items():
        items = spec.get("items") if isinstance(spec, dict) and spec.get("type") == "array" else None
        if isinstance(items, dict) and isinstance(items.get("properties"), dict):
            out.append((key, items))
    return out


def schema_problems(schema: Any) -> list[str]:
    """Why the form's date keywords cannot be used (empty list if fine)."""
    top = _properties(schema)
    dates = {k for k, s in top.items() if isinstance(s, dict) and s.get("format") == "date"}
    places = [("", top)] + [(f"{key}.", items["properties"]) for key, items in _rows(top)]
    problems = []
    for prefix, properties in places:
        for key, spec in _dated(properties):
            where = f"Feld „{prefix}{key}“"
            if spec.get("format") != "date":
                problems.append(f"{where}: die Datumsregeln gelten nur für Datumsfelder (format: date).")
            if NOT_AFTER_TODAY in spec and not isinstance(spec[NOT_AFTER_TODAY], bool):
                problems.append(f"{where}: {NOT_AFTER_TODAY} muss true oder false sein.")
            if NOT_BEFORE_TODAY in spec and not isinstance(spec[NOT_BEFORE_TODAY], bool):
                problems.append(f"{where}: {NOT_BEFORE_TODAY} muss true oder false sein.")
            days = spec.get(MAX_DAYS_AHEAD)
            if MAX_DAYS_AHEAD in spec and (isinstance(days, bool) or not isinstance(days, int) or days < 0):
                problems.append(f"{where}: {MAX_DAYS_AHEAD} muss eine ganze Zahl ab 0 sein.")
            ref = spec.get(NOT_BEFORE)
            if NOT_BEFORE in spec and (ref not in dates or (ref == key and not prefix)):
                problems.append(
                    f"{where}: {NOT_BEFORE} muss ein anderes Datumsfeld der obersten Ebene nennen."
                )
    return problems


def _check(spec: dict, value: Any, root_schema: dict, root: dict, today: date) -> list[str]:
    day = _as_date(value)
    if day is None:
        return []
    out = []
    if spec.get(NOT_AFTER_TODAY) is True and day > today:
        out.append(f"Das Datum darf nicht in der Zukunft liegen (heute ist der {_de(today)}).")
    if spec.get(NOT_BEFORE_TODAY) is True and day < today:
        out.append(f"Das Datum darf nicht in der Vergangenheit liegen (heute ist der {_de(today)}).")
    days = spec.get(MAX_DAYS_AHEAD)
    if isinstance(days, int) and not isinstance(days, bool) and day > today + timedelta(days=days):
        latest = today + timedelta(days=days)
        out.append(f"Das Datum darf höchstens {days} Tage nach heute liegen (spätestens am {_de(latest)}).")
    ref = spec.get(NOT_BEFORE)
    earliest = _as_date(root.get(ref)) if isinstance(ref, str) else None
    if isinstance(ref, str) and earliest is not None and day < earliest:
        out.append(f"Das Datum darf nicht vor „{_title(root_schema, ref)}“ ({_de(earliest)}) liegen.")
    return out


def date_errors(schema: Any, data: dict, today: date) -> dict[str, list[str]]:
    """German messages per field path for dates that break the form's date keywords."""
    top = _properties(schema)
    errors: dict[str, list[str]] = {}
    for key, spec in _dated(top):
        if msgs := _check(spec, data.get(key), schema, data, today):
            errors[key] = msgs
    for key, items in _rows(top):
        rows = data.get(key)
        for i, row in enumerate(rows if isinstance(rows, list) else []):
            if not isinstance(row, dict):
                continue
            for field, spec in _dated(items["properties"]):
                if msgs := _check(spec, row.get(field), schema, data, today):
                    errors[f"{key}.{i}.{field}"] = msgs
    return errors


def hint(spec: dict, schema: dict) -> str | None:
    """The rule of a date field in a sentence, for the form (None without a rule)."""
    parts = []
    if spec.get(NOT_AFTER_TODAY) is True:
        parts.append("Nicht in der Zukunft.")
    if spec.get(NOT_BEFORE_TODAY) is True:
        parts.append("Nicht in der Vergangenheit.")
    days = spec.get(MAX_DAYS_AHEAD)
    if isinstance(days, int) and not isinstance(days, bool):
        parts.append(f"Höchstens {days} Tage nach heute.")
    ref = spec.get(NOT_BEFORE)
    if isinstance(ref, str):
        parts.append(f"Nicht vor „{_title(schema, ref)}“.")
    return " ".join(parts) or None
