"""Task forms in HTML from their JSON Schema (forms/*.json): fields to render, and posted fields back to JSON.

Field names are the data paths the validator reports errors for ("goals.0.target_date"), so each
German error message lands next to its field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from engine.processes import decisions
from engine.processes.form_dates import hint as date_rule

from .strings import DE

ROW_WORD = DE["row_word"]
RADIO_MAX = 4  # enums with at most this many choices are radio buttons, longer ones a select


@dataclass
class Field:
    """One control (or group of controls) of the form."""

    # text, textarea, date, integer, number, radio, select, checkbox, checkboxes, lines, rows, decision
    kind: str
    name: str
    label: str
    required: bool = False
    hint: str | None = None
    value: Any = None
    options: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rows: list[list[Field]] = field(default_factory=list)
    item_label: str = ROW_WORD
    max_length: int | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None

    @property
    def id(self) -> str:
        return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.name)


def _kind(spec: dict, key: str = "", required: set[str] | None = None) -> str:  # noqa: PLR0911 - a lookup table
    """The widget of a field; a decision (engine/processes/decisions.py) is a choice with no default."""
    if decisions.is_decision(key, spec, required or set()):
        return "decision"
    kind = spec.get("type")
    if kind == "array":
        items = spec.get("items") or {}
        if items.get("type") == "object":
            return "rows"
        return "checkboxes" if "enum" in items else "lines"
    if "enum" in spec:
        return "radio" if len(spec["enum"]) <= RADIO_MAX else "select"
    if kind == "boolean":
        return "checkbox"
    if kind in ("integer", "number"):
        return kind
    if kind == "string" and spec.get("format") == "date":
        return "date"
    if kind == "string" and spec.get("x-widget") == "textarea":
        return "textarea"
    return "text"


def _options(spec: dict) -> list[tuple[str, str]]:
    values = spec.get("enum") or []
    titles = spec.get("x-enum-titles") or []
    return [(str(v), str(titles[i]) if i < len(titles) else str(v)) for i, v in enumerate(values)]


def _posted(value: Any) -> str:
    """A decision's value as the radio button posts it ("true"/"false" for Ja/Nein)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def build_fields(
    schema: dict, values: dict | None, prefix: str = "", use_defaults: bool = False, root: dict | None = None
) -> list[Field]:
    """The fields of an object schema with their current values (from a draft or a failed submission)."""
    root = root if root is not None else schema
    values = values if isinstance(values, dict) else {}
    required = set(schema.get("required") or [])
    out = []
    for key, spec in (schema.get("properties") or {}).items():
        name = prefix + key
        kind = _kind(spec, key, required)
        value = values.get(key, spec.get("default") if use_defaults and kind != "decision" else None)
        f = Field(
            kind=kind,
            name=name,
            label=spec.get("title") or key,
            required=key in required,
            hint=" ".join(h for h in (spec.get("description"), date_rule(spec, root)) if h) or None,
            value=value,
            max_length=spec.get("maxLength"),
            minimum=spec.get("minimum"),
            maximum=spec.get("maximum"),
        )
        if kind in ("select", "radio"):
            f.options = _options(spec)
        elif kind == "decision":
            f.options = [(_posted(v), title) for v, title in decisions.options(spec)]
            f.value = _posted(value) if value is not None else None
        elif kind == "checkboxes":
            f.options = _options(spec["items"])
            f.value = [str(v) for v in value] if isinstance(value, list) else []
        elif kind == "lines":
            f.value = "\n".join(str(v) for v in value) if isinstance(value, list) else (value or "")
        elif kind == "rows":
            items = spec["items"]
            f.item_label = items.get("title") or ROW_WORD
            rows = [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []
            # The rows entered so far plus one empty row to fill in.
            f.rows = [build_fields(items, r, f"{name}.{i}.", root=root) for i, r in enumerate([*rows, {}])]
        out.append(f)
    return out


def all_fields(fields: list[Field]):
    """Every field, nested rows included."""
    for f in fields:
        yield f
        for row in f.rows:
            yield from all_fields(row)


def attach_errors(fields: list[Field], errors: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """Put each error by its field (or the nearest enclosing one); the summary as (id, label, message)."""
    by_name = {f.name: f for f in all_fields(fields)}
    labels = _labels(fields)
    summary = []
    for path, messages in errors.items():
        parts = path.split(".")
        target = None
        while parts and target is None:
            target = by_name.get(".".join(parts))
            parts.pop()
        for message in messages:
            if target is None:
                summary.append(("", "", message))
            else:
                target.errors.append(message)
                summary.append((target.id, labels[target.name], message))
    return summary


def _labels(fields: list[Field], outer: str = "") -> dict[str, str]:
    out = {}
    for f in fields:
        out[f.name] = outer + f.label
        for i, row in enumerate(f.rows):
            out.update(_labels(row, f"{outer}{f.label} › {f.item_label} {i + 1} › "))
    return out


def parse_form(schema: dict, form: MultiDict, prefix: str = "") -> dict:
    """Posted fields as typed JSON: empty optional fields left out, unparsable numbers kept as text."""
    required = set(schema.get("required") or [])
    data: dict[str, Any] = {}
    for key, spec in (schema.get("properties") or {}).items():
        name = prefix + key
        kind = _kind(spec, key, required)
        if kind == "decision":
            chosen = _decision(spec, form.get(name, ""))
            if chosen is not None:
                data[key] = chosen  # nothing chosen: left out, so the form asks for a choice
        elif kind == "checkbox":  # optional only: a required Ja/Nein is a decision
            if name in form:
                data[key] = True
        elif kind == "checkboxes":
            data[key] = [_typed(v, spec["items"]) for v in form.getlist(name) if v]
        elif kind == "lines":
            lines = [line.strip() for line in form.get(name, "").splitlines() if line.strip()]
            if lines or key in required:
                data[key] = lines
        elif kind == "rows":
            rows = [
                r
                for r in (parse_form(spec["items"], form, f"{name}.{i}.") for i in _indices(form, name))
                if any(v is not False and v != [] for v in r.values())
            ]
            if rows or key in required:
                data[key] = rows
        else:
            raw = form.get(name, "")
            if raw.strip() == "":
                continue
            data[key] = _typed(raw.strip(), spec) if spec.get("type") in ("integer", "number") else raw
    return data


def _decision(spec: dict, raw: str) -> Any:
    """The chosen answer as typed JSON; None when nothing (or something unknown) was chosen."""
    for value, _title in decisions.options(spec):
        if raw != "" and raw == _posted(value):
            return value
    return raw or None  # an unknown value goes to the validator, which names it


def _indices(form: MultiDict, name: str) -> list[int]:
    pattern = re.compile(re.escape(name) + r"\.(\d{1,4})\.")
    return sorted({int(m.group(1)) for k in form if (m := pattern.match(k))})


def _typed(raw: str, spec: dict) -> Any:
    """A posted value as its schema's type: numbers (typed or chosen, e.g. a goal's id) as numbers."""
    kind = spec.get("type")
    return _number(raw, kind) if kind in ("integer", "number") else raw


def _number(raw: str, kind: str) -> Any:
    try:
        return int(raw) if kind == "integer" else float(raw.replace(",", "."))
    except ValueError:
        return raw  # the validator names the problem and the form shows the text again
