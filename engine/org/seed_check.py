"""Checking an organisation seed before anything is written: every error at once, each at its JSON path.

A seed (engine/org/seed/<key>.json, docs/tenants.md) is checked in two passes: its shape against
:data:`SCHEMA` (JSON Schema: required fields, types, known fields, key formats), then what the schema
cannot say: keys unique per list and every reference pointing at something the seed defines (a
municipality's region, a body's municipality and region, a demo account's municipality, team and
agency). :func:`check_seed` answers with ``{path: [German messages]}``, the path written as
``municipalities[3].region``; :func:`require_valid_seed` raises InvalidInput with all of them.
"""

from __future__ import annotations

import re
from typing import Any

from jsonschema import Draft202012Validator

from ..access.models import ASSIGNABLE_ROLES
from ..errors import InvalidInput
from ..vocabulary import labels

KEY = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,39}$"}
NAME = {"type": "string", "minLength": 1, "maxLength": 200}
TEXT = {"type": "string", "maxLength": 1000}
DAYS = {"type": "integer", "minimum": 1, "maximum": 3650}
COMMENTS: dict[str, dict] = {"^_": {}}  # "_comment", "_bodies_comment": notes for people, ignored


def _object(required: list[str], properties: dict) -> dict:
    return {
        "type": "object",
        "required": required,
        "properties": properties,
        "patternProperties": COMMENTS,
        "additionalProperties": False,
    }


def _list(item: dict, min_items: int = 0) -> dict:
    return {"type": "array", "items": item, "minItems": min_items}


SCHEMA: dict = _object(
    ["tenant", "municipalities"],
    {
        "tenant": _object(
            ["key", "name", "case_prefix"],
            {
                "key": KEY,
                "name": NAME,
                "case_prefix": {"type": "string", "pattern": "^[A-Z]{1,10}$"},
                "retention_days": DAYS,
                "reopen_days": DAYS,
                "referral_reminder_days": DAYS,
                "controller_address": {"type": "string", "maxLength": 500},
                "dpo_contact": {"type": "string", "maxLength": 500},
            },
        ),
        "terms": _object(
            [],
            {
                "steering_body": NAME,
                "steering_genus": {"enum": ["f", "m", "n"]},
                "steering_genitive": NAME,
                "region": NAME,
                "regions": NAME,
                "uma_team": {"type": "boolean"},
                "meeting_place": NAME,
                "escalation_reminder": {"type": "string", "pattern": "^P(\\d+[YMWD])+$"},
            },
        ),
        "regions": _list(_object(["key", "name"], {"key": KEY, "name": NAME})),
        "municipalities": _list(
            _object(
                ["key", "name"],
                {
                    "key": KEY,
                    "name": NAME,
                    "region": {"type": ["string", "null"]},
                    "case_management": {"type": "boolean"},
                    "population": {"type": "integer", "minimum": 0},
                    "weight": {"type": "integer", "minimum": 0},
                    "case_managers": {"type": "integer", "minimum": 1, "maximum": 100},
                    "active_from": {"type": "integer", "minimum": 2000, "maximum": 2100},
                },
            ),
            min_items=1,
        ),
        "teams": _list(_object(["key", "name"], {"key": KEY, "name": NAME, "description": TEXT})),
        "bodies": _list(
            _object(
                ["key", "kind", "name"],
                {
                    "key": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,59}$"},
                    "kind": {"enum": ["steering", "local", "working_group"]},
                    "name": NAME,
                    "description": TEXT,
                    "municipality": {"type": ["string", "null"]},
                    "region": {"type": ["string", "null"]},
                    "field": {"type": ["string", "null"], "maxLength": 20},
                    "rhythm_months": {"type": "integer", "minimum": 1, "maximum": 24},
                    "members": _list(
                        _object(
                            ["function"],
                            {
                                "function": {"type": "string", "minLength": 1, "maxLength": 500},
                                "organisation": {"type": ["string", "null"], "maxLength": 200},
                                "membership": {"enum": ["permanent", "as_needed"]},
                                "chair": {"type": "boolean"},
                            },
                        )
                    ),
                },
            )
        ),
        "demo_accounts": _list(
            _object(
                ["username", "password", "display_name", "role"],
                {
                    "username": {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]{0,79}$"},
                    "password": {"type": "string", "minLength": 1},
                    "display_name": NAME,
                    "role": {"enum": list(ASSIGNABLE_ROLES)},
                    "municipality": {"type": ["string", "null"]},
                    "team": {"type": ["string", "null"]},
                    "agency": {"type": ["string", "null"]},
                },
            )
        ),
        "agencies": _list(
            _object(
                ["code", "name", "kind"],
                {
                    "code": {"type": "string", "minLength": 1, "maxLength": 40},
                    "name": NAME,
                    "kind": {"type": "string"},
                    "reminder_days": DAYS,
                },
            )
        ),
    },
)
_VALIDATOR = Draft202012Validator(SCHEMA)
_TYPES = {
    "string": "Text",
    "boolean": "true/false",
    "integer": "ganze Zahl",
    "array": "Liste",
    "object": "Objekt",
    "null": "null",
}


def _path(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(Seed)"


def _messages(error) -> list[tuple[list, str]]:
    """The paths and German messages of a schema error (a missing field at its own path)."""
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1]  # one error per missing field: "'key' is a required property"
        return [([*path, missing], "Pflichtfeld fehlt")]
    return [_message(error)]


def _message(error) -> tuple[list, str]:  # noqa: PLR0911 - a translation table: one message per rule
    """The path and German message of a schema error."""
    v, value, path = error.validator, error.validator_value, list(error.absolute_path)
    if v == "additionalProperties":
        known = error.schema.get("properties", {})
        extra = sorted(k for k in error.instance if k not in known and not k.startswith("_"))
        return path, "unbekannte Felder: " + ", ".join(extra)
    if v == "type":
        wanted = value if isinstance(value, list) else [value]
        return path, "erwartet " + " oder ".join(_TYPES.get(str(w), str(w)) for w in wanted)
    if v == "enum":
        return path, f"unbekannter Wert {error.instance!r}; erlaubt: " + ", ".join(map(str, value))
    if v == "pattern":
        return path, f"ungültiges Format {error.instance!r}" + _PATTERN_HINTS.get(value, "")
    if v in ("minimum", "maximum"):
        return path, ("mindestens " if v == "minimum" else "höchstens ") + str(value)
    if v == "minItems":
        return path, f"mindestens {value} Eintrag"
    if v in ("minLength", "maxLength"):
        return path, "darf nicht leer sein" if v == "minLength" else f"höchstens {value} Zeichen"
    return path, "ungültiger Wert"


_PATTERN_HINTS = {
    KEY["pattern"]: " (Kleinbuchstaben, Ziffern und Bindestriche, höchstens 40 Zeichen)",
    "^[A-Z]{1,10}$": " (1 bis 10 Großbuchstaben, z. B. 'HX')",
    "^P(\\d+[YMWD])+$": " (ISO-8601-Dauer, z. B. 'P6W')",
}


def _unique(seed: dict, section: str, field: str, errors: dict[str, list[str]]) -> set[str]:
    """The values of ``field`` in list ``section``; each repeated one is an error at its path."""
    seen: dict[str, int] = {}
    for i, item in enumerate(seed.get(section) or []):
        value = item.get(field)
        if value in seen:
            errors.setdefault(f"{section}[{i}].{field}", []).append(
                f"doppelt: '{value}' steht schon in {section}[{seen[value]}]"
            )
        elif isinstance(value, str):
            seen[value] = i
    return set(seen)


def _references(seed: dict, errors: dict[str, list[str]]) -> None:
    regions = _unique(seed, "regions", "key", errors)
    places = _unique(seed, "municipalities", "key", errors)
    teams = _unique(seed, "teams", "key", errors)
    _unique(seed, "bodies", "key", errors)
    _unique(seed, "demo_accounts", "username", errors)
    kinds = set(labels("consent.agency"))
    agencies = _unique(seed, "agencies", "code", errors) | kinds

    def ref(path: str, value: Any, known: set[str], what: str) -> None:
        if value is not None and value not in known:
            errors.setdefault(path, []).append(f"{what} '{value}'")

    for i, m in enumerate(seed.get("municipalities") or []):
        ref(f"municipalities[{i}].region", m.get("region"), regions, "unbekannte Region")
    steering = []
    for i, b in enumerate(seed.get("bodies") or []):
        ref(f"bodies[{i}].municipality", b.get("municipality"), places, "unbekannte Gemeinde")
        ref(f"bodies[{i}].region", b.get("region"), regions, "unbekannte Region")
        if b.get("kind") == "local" and not b.get("municipality"):
            errors.setdefault(f"bodies[{i}].municipality", []).append(
                "ein örtliches Gremium gehört zu einer Gemeinde"
            )
        if b.get("kind") == "steering":
            steering.append(i)
    for i in steering[1:]:
        errors.setdefault(f"bodies[{i}].kind", []).append(
            f"es gibt nur ein steuerndes Gremium (schon bodies[{steering[0]}])"
        )
    for i, a in enumerate(seed.get("demo_accounts") or []):
        ref(f"demo_accounts[{i}].municipality", a.get("municipality"), places, "unbekannte Gemeinde")
        ref(f"demo_accounts[{i}].team", a.get("team"), teams, "unbekanntes Team")
        ref(f"demo_accounts[{i}].agency", a.get("agency"), agencies, "unbekannte Stelle")
    for i, a in enumerate(seed.get("agencies") or []):
        if isinstance(a.get("kind"), str) and a["kind"] not in kinds:
            errors.setdefault(f"agencies[{i}].kind", []).append(
                f"unbekannte Art '{a['kind']}'; erlaubt: " + ", ".join(sorted(kinds))
            )


def check_seed(seed: Any) -> dict[str, list[str]]:
    """Every problem of ``seed`` by JSON path (empty if it can be loaded)."""
    errors: dict[str, list[str]] = {}
    for error in sorted(_VALIDATOR.iter_errors(seed), key=lambda e: [str(p) for p in e.absolute_path]):
        for path, message in _messages(error):
            errors.setdefault(_path(path), []).append(message)
    if isinstance(seed, dict):
        _references(seed, errors)
    return dict(sorted(errors.items(), key=lambda kv: _order(kv[0])))


_SECTIONS = list(SCHEMA["properties"])


def _order(path: str) -> list[tuple[int, int, str]]:
    """Paths in the seed's reading order: sections as documented (tenant first), then by position
    (municipalities[10] after municipalities[9])."""
    parts = [p for p in re.split(r"[\[\].]+", path) if p]
    head = _SECTIONS.index(parts[0]) if parts and parts[0] in _SECTIONS else -1
    return [(0, head, "")] + [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts[1:]]


def require_valid_seed(seed: Any) -> dict:
    """``seed`` itself, or InvalidInput listing every problem by JSON path."""
    errors = check_seed(seed)
    if errors:
        raise InvalidInput(f"Die Seed-Datei hat {sum(map(len, errors.values()))} Fehler.", errors=errors)
    return seed
