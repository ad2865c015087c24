"""Decisions in forms: the fields a gateway branches on, and the consequences a person confirms.

A decision field is a choice a person must make explicitly, with no default:
- a field marked ``"x-widget": "decision"`` (a Ja/Nein boolean or a string with ``enum``), or
- any required boolean (a required Ja/Nein question is always a decision, never a box whose
  absence means "no").
A boolean decision's two answers are titled by ``"x-decision-titles": ["Ja ...", "Nein ..."]``
(true first); a string decision's by its ``x-enum-titles``.

A decision that closes or ends something names its consequence next to the choice, so that a
process owner can change the wording with the form:
    "x-confirm": {"when": false, "message": "Der Fall wird ...", "button": "Ja, abschließen"}
``when`` is the value (or list of values) that needs confirming. A form whose completion always
ends something (the closure) carries ``x-confirm`` without ``when`` at its top level. The web task
form asks for the confirmation before anything is saved; the API does not (its caller is explicit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DECISION = "decision"
YES_NO = ("Ja", "Nein")
DEFAULT_BUTTON = "Ja, so erledigen"
WHOLE_FORM = "_form"


def is_decision(key: str, spec: dict, required: set[str] | list[str] | tuple = ()) -> bool:
    """Whether the field ``key`` of a form is a decision (rendered as a choice with no default)."""
    if not isinstance(spec, dict):
        return False
    if spec.get("x-widget") == DECISION and (spec.get("type") == "boolean" or "enum" in spec):
        return True
    return spec.get("type") == "boolean" and key in required


def decision_keys(schema: dict | None) -> list[str]:
    """The top-level decision fields of a form, in form order."""
    if not isinstance(schema, dict):
        return []
    required = set(schema.get("required") or [])
    return [k for k, s in (schema.get("properties") or {}).items() if is_decision(k, s, required)]


def options(spec: dict) -> list[tuple[Any, str]]:
    """The answers of a decision as (value, title): true/false for a boolean, else the enum."""
    if spec.get("type") == "boolean":
        given = list(spec.get("x-decision-titles") or [])
        titles = [str(given[i]) if i < len(given) else YES_NO[i] for i in (0, 1)]
        return [(True, titles[0]), (False, titles[1])]
    values = spec.get("enum") or []
    titles = spec.get("x-enum-titles") or []
    return [(v, str(titles[i]) if i < len(titles) else str(v)) for i, v in enumerate(values)]


@dataclass(frozen=True)
class Confirmation:
    """A consequence to confirm: ``key`` names the decision and its value (what was confirmed)."""

    key: str
    field: str | None
    message: str
    button: str


def _applies(rule: dict, value: Any) -> bool:
    if "when" not in rule:
        return True
    wanted = rule["when"]
    choices = wanted if isinstance(wanted, list) else [wanted]
    # True == 1 in Python: compare booleans as booleans only.
    return any(type(c) is type(value) and c == value for c in choices)


def _key(field: str, value: Any) -> str:
    shown = str(value).lower() if isinstance(value, bool) else str(value)
    return f"{field}={shown}"


def confirmation(schema: dict | None, data: dict) -> Confirmation | None:
    """The consequence the submitted ``data`` needs confirmed before completing, if any."""
    if not isinstance(schema, dict):
        return None
    for field, spec in (schema.get("properties") or {}).items():
        rule = spec.get("x-confirm") if isinstance(spec, dict) else None
        if isinstance(rule, dict) and field in data and _applies(rule, data[field]):
            return Confirmation(
                _key(field, data[field]),
                field,
                str(rule.get("message") or ""),
                str(rule.get("button") or DEFAULT_BUTTON),
            )
    rule = schema.get("x-confirm")
    if isinstance(rule, dict):
        return Confirmation(
            WHOLE_FORM, None, str(rule.get("message") or ""), str(rule.get("button") or DEFAULT_BUTTON)
        )
    return None


def without_decisions(schema: dict | None, data: dict) -> dict:
    """``data`` without its decision fields (a draft never holds a decision to preselect)."""
    keys = set(decision_keys(schema))
    return {k: v for k, v in data.items() if k not in keys}
