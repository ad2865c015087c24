"""A check's result per path, read from the checklist as the authority filled it in.

The law lives in the form, not here: the checklist's schema names its paths (``x-check-paths``:
path code -> title and the yes/no field that says the path is checked) and marks each criterion
field with ``x-criterion`` (its path and the life area a goal for it belongs to); a criterion's value
is ``met`` or ``missing``. The list ``missing`` says per criterion what is missing and from when it
could be met. This module only puts that together: a checked path is met when each of its criteria
is; a criterion left open counts as missing.
"""

from __future__ import annotations

from typing import Any

MET = "met"
PATHS, CRITERION = "x-check-paths", "x-criterion"
MISSING_LIST = "missing"  # the form's list of what is missing (engine/processes/form_contract.py)


def criteria_of(schema: dict) -> dict[str, dict]:
    """Criterion field -> its spec (title, path, life area), in the form's order."""
    props = schema.get("properties") if isinstance(schema, dict) else None
    return {
        key: spec
        for key, spec in (props or {}).items()
        if isinstance(spec, dict) and isinstance(spec.get(CRITERION), dict)
    }


def _details(data: dict) -> dict[str, dict]:
    rows = data.get(MISSING_LIST)
    out: dict[str, dict] = {}
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict) and isinstance(row.get("criterion"), str):
            out.setdefault(row["criterion"], row)
    return out


def result_of(schema: dict, data: dict) -> dict[str, Any]:
    """The result per checked path: met or not, each criterion met or missing, what and from when."""
    found = schema.get(PATHS)
    paths: dict = found if isinstance(found, dict) else {}
    criteria = criteria_of(schema)
    details = _details(data)
    out = []
    for code, path in paths.items():
        if not isinstance(path, dict) or data.get(path.get("field")) is not True:
            continue
        rows = []
        for key, spec in criteria.items():
            if spec[CRITERION].get("path") != code:
                continue
            met = data.get(key) == MET
            detail = details.get(key, {}) if not met else {}
            rows.append(
                {
                    "key": key,
                    "title": str(spec.get("title") or key),
                    "life_area": spec[CRITERION].get("life_area"),
                    "met": met,
                    "what": str(detail.get("what") or "") or None,
                    "possible_from": detail.get("possible_from"),
                }
            )
        out.append(
            {
                "path": code,
                "title": str(path.get("title") or code),
                "met": bool(rows) and all(r["met"] for r in rows),
                "criteria": rows,
            }
        )
    notes = data.get("assessment_notes")
    return {"paths": out, "remarks": str(notes) if isinstance(notes, str) and notes else None}


def summary(kind_label: str, result: dict) -> str:
    """The answer's text for the referral: per path met or what is missing (German)."""
    parts = []
    for path in result.get("paths") or []:
        if path["met"]:
            parts.append(f"{path['title']}: Voraussetzungen erfüllt.")
            continue
        missing = [c for c in path["criteria"] if not c["met"]]
        items = []
        for c in missing:
            when = c.get("possible_from")
            items.append(c["title"] + (f" (voraussichtlich ab {_de(when)})" if when else ""))
        parts.append(f"{path['title']}: noch nicht erfüllt – fehlt: " + "; ".join(items) + ".")
    body = " ".join(parts) or "Kein Weg geprüft."
    return f"{kind_label} abgeschlossen. {body}"


def _de(iso: Any) -> str:
    text = str(iso)
    return f"{text[8:10]}.{text[5:7]}.{text[0:4]}" if len(text) >= 10 else text
