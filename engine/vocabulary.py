"""One source of labels: every code a person may read, with its German label.

Codes chosen in forms take their labels from the forms' ``x-enum-titles`` (the files in ``forms/``);
codes the engine itself sets (statuses, closure reasons, internal kinds) are listed here. Web pages,
exports and the API all ask :func:`label`; nothing keeps its own copy.

A vocabulary is named ``"<form key>.<field>"`` for form codes (``"referral.agency"``,
``"assessment.needs.life_area"`` for a field inside an array of objects) or by one of the names in
:data:`ENGINE` (``"case.status"``).
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

FORMS_DIR = Path(__file__).resolve().parent.parent / "forms"

# Codes set by the engine, not chosen in a form.
ENGINE: dict[str, dict[str, str]] = {
    "case.status": {"open": "offen", "closed": "abgeschlossen"},
    "consent.kind": {"data_processing": "Datenverarbeitung", "confidentiality_release": "Schweigepflichtentbindung"},
    # The stored status of a follow-up (engine/followups/models.py), as the case page shows it.
    "followup.status": {"planning": "in Planung", "waiting": "läuft", "done": "abgeschlossen",
                        "stopped": "beendet (Fall geschlossen)"},
    # Where a follow-up stands today (engine/followups/service.py), as overviews show it.
    "followup.state": {"planning": "in Planung", "scheduled": "geplant", "due": "heute fällig",
                       "overdue": "überfällig", "done": "abgeschlossen"},
    "history.state": {"completed": "erledigt", "ready": "begonnen", "cancelled": "abgebrochen"},
}


def _enum_titles(node: object, path: tuple[str, ...], out: dict[tuple[str, ...], dict[str, str]]) -> None:
    if isinstance(node, dict):
        if "enum" in node and "x-enum-titles" in node:
            out[path] = dict(zip(node["enum"], node["x-enum-titles"], strict=False))
        for key, value in node.get("properties", {}).items():
            _enum_titles(value, (*path, key), out)
        if "items" in node:
            _enum_titles(node["items"], path, out)


@cache
def form_vocabularies(forms_dir: Path = FORMS_DIR) -> dict[str, dict[str, str]]:
    """Every enum with titles in the form files, named ``<form key>.<field path>``."""
    found: dict[str, dict[str, str]] = {}
    for file in sorted(forms_dir.glob("*.json")):
        schema = json.loads(file.read_text(encoding="utf-8"))
        titles: dict[tuple[str, ...], dict[str, str]] = {}
        _enum_titles(schema, (), titles)
        for path, mapping in titles.items():
            found[".".join((file.stem, *path))] = mapping
    return found


def labels(vocabulary: str) -> dict[str, str]:
    """All codes of ``vocabulary`` with their labels (empty if the vocabulary is unknown)."""
    if vocabulary in ENGINE:
        return ENGINE[vocabulary]
    return form_vocabularies().get(vocabulary, {})


def label(vocabulary: str, code: str | None) -> str:
    """The German label of ``code``; the code itself only if no label exists (tests catch that)."""
    if code is None or code == "":
        return ""
    return labels(vocabulary).get(code, code)
