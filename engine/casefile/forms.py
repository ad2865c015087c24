"""A completed form as people read it: each field's title and its value, labels instead of codes.

Titles come from the form's JSON Schema, labels of chosen codes from engine/vocabulary.py (which
knows the codes of every form version ever deployed). Arrays of objects become small tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..vocabulary import label

YES, NO = "ja", "nein"
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class FieldValue:
    """One field: ``text``, or for an array of objects a table (``columns`` and ``rows``)."""

    key: str
    title: str
    text: str | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def _scalar(form_key: str, path: tuple[str, ...], spec: dict, value: Any) -> str:  # noqa: PLR0911 - one answer per kind of value
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, str) and "enum" in spec:
        return label(".".join((form_key, *path)), value)
    if isinstance(value, str) and (match := _ISO_DATE.match(value)):
        return f"{match[3]}.{match[2]}.{match[1]}"
    if isinstance(value, dict):
        props = spec.get("properties") or {}
        return "; ".join(
            f"{(props.get(k) or {}).get('title', k)}: {_scalar(form_key, (*path, k), props.get(k) or {}, v)}"
            for k, v in value.items()
        )
    if isinstance(value, list):
        items = spec.get("items") or {}
        return ", ".join(_scalar(form_key, path, items, v) for v in value)
    return str(value)


def _table(form_key: str, key: str, spec: dict, rows: list) -> tuple[list[str], list[list[str]]]:
    props = (spec.get("items") or {}).get("properties") or {}
    keys = list(props) + sorted({k for r in rows if isinstance(r, dict) for k in r} - set(props))
    used = [k for k in keys if any(isinstance(r, dict) and r.get(k) not in (None, "", []) for r in rows)]
    columns = [(props.get(k) or {}).get("title", k) for k in used]
    body = [
        [
            _scalar(form_key, (key, k), props.get(k) or {}, r.get(k)) if isinstance(r, dict) else ""
            for k in used
        ]
        for r in rows
    ]
    return columns, body


def readable(form_key: str, schema: dict | None, data: dict | None) -> list[FieldValue]:
    """The filled-in fields of ``data`` in the form's order (fields left empty are left out)."""
    if not isinstance(data, dict):
        return []
    props = (schema or {}).get("properties") or {}
    out = []
    for key in [*[k for k in props if k in data], *[k for k in data if k not in props]]:
        value, spec = data[key], props.get(key) or {}
        if value in (None, "", [], {}):
            continue
        title = spec.get("title", key)
        items = spec.get("items") or {}
        if isinstance(value, list) and (
            items.get("type") == "object" or any(isinstance(v, dict) for v in value)
        ):
            columns, rows = _table(form_key, key, spec, value)
            out.append(FieldValue(key, title, columns=columns, rows=rows))
        else:
            out.append(FieldValue(key, title, text=_scalar(form_key, (key,), spec, value)))
    return out
