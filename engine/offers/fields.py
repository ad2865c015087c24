"""An offer's fields: checked and cleaned in one place for the API, the web form and the import.

``clean`` takes what a person typed or a file held (codes or their German labels, lists as lists or
as text separated by ";", dates as dates, ISO text or DD.MM.YYYY) and returns the values to store,
or German messages per field. Nothing here writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import today_berlin
from ..org.models import Municipality
from ..vocabulary import labels

LIFE_AREAS = "assessment.needs.life_area"  # the assessment's needs: one list for needs, goals and offers
KINDS, TARGET_GROUPS, LANGUAGES = "offer.kind", "offer.target_group", "offer.language"
REQUIRED_TEXT = {"provider": 200, "title": 200}
OPTIONAL_TEXT = {"contact": 300, "address": 300, "opening_hours": 300, "cost": 200, "source": 300}
LISTS = {"life_areas": LIFE_AREAS, "target_groups": TARGET_GROUPS, "languages": LANGUAGES}
DATES = ("valid_from", "valid_until", "checked_on")
# Every field an offer has, in the order of forms, exports and versions.
FIELDS = (
    "municipality",
    "provider",
    "title",
    "kind",
    "life_areas",
    "target_groups",
    "languages",
    "contact",
    "address",
    "opening_hours",
    "cost",
    "valid_from",
    "valid_until",
    "source",
    "checked_on",
    "shared_upkeep",
)
_GERMAN_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
YES = {"ja", "yes", "true", "1", "x", "on"}
NO = {"nein", "no", "false", "0", "", "off"}


@dataclass(frozen=True)
class Places:
    """The tenant's municipalities by key, by lowercased key and name, and by id (one query)."""

    by_needle: dict[str, Municipality]
    by_id: dict[int, Municipality]

    @classmethod
    def of(cls, session: Session, tenant_id: int) -> Places:
        rows = session.scalars(select(Municipality).where(Municipality.tenant_id == tenant_id)).all()
        needles = {r.key.casefold(): r for r in rows} | {r.name.casefold(): r for r in rows}
        return cls(needles, {r.id: r for r in rows})


def _code(vocabulary: str, raw: Any) -> str | None:
    """The code for a code or its German label (case-insensitive), else None."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    known = labels(vocabulary)
    if text in known:
        return text
    folded = text.casefold()
    return next(
        (c for c, title in known.items() if title.casefold() == folded or c.casefold() == folded), None
    )


def _list(raw: Any) -> list[Any]:
    if raw is None:
        return []
    if isinstance(raw, str):
        return [p for p in (s.strip() for s in raw.split(";")) if p]
    return list(raw) if isinstance(raw, list | tuple) else [raw]


def parse_day(raw: Any) -> date | None:
    """A date from a date, ISO text or DD.MM.YYYY; None when empty; ValueError when not a date."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    match = _GERMAN_DAY.match(text)
    if match:
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    return date.fromisoformat(text)


def _place(raw: dict, places: Places, out: dict, errors: dict) -> None:
    place = raw.get("municipality")
    if place is None or (isinstance(place, str) and not place.strip()):
        out["municipality_id"] = None  # county-wide
        return
    row = places.by_needle.get(str(place).strip().casefold())
    if row is None:
        errors["municipality"] = [f"Die Gemeinde „{place}“ gibt es in diesem Kreis nicht."]
    else:
        out["municipality_id"] = row.id


def _texts(raw: dict, out: dict, errors: dict) -> None:
    for name, most in (REQUIRED_TEXT | OPTIONAL_TEXT).items():
        text = str(raw.get(name) or "").strip()
        if not text and name in REQUIRED_TEXT:
            errors[name] = ["Pflichtfeld: bitte ausfüllen."]
        elif len(text) > most:
            errors[name] = [f"Höchstens {most} Zeichen."]
        out[name] = text if name in REQUIRED_TEXT else text or None


def _codes(raw: dict, out: dict, errors: dict) -> None:
    kind = _code(KINDS, raw.get("kind"))
    if kind is None:
        errors["kind"] = ["Bitte eine Art des Angebots aus der Liste wählen."]
    out["kind"] = kind
    for name, vocabulary in LISTS.items():
        codes, unknown = [], []
        for item in _list(raw.get(name)):
            code = _code(vocabulary, item)
            if code is None:
                unknown.append(str(item))
            elif code not in codes:
                codes.append(code)
        if unknown:
            errors[name] = [f"Unbekannt: {', '.join(unknown)}."]
        elif name == "life_areas" and not codes:
            errors[name] = ["Bitte mindestens einen Lebensbereich wählen."]
        out[name] = codes


def _dates(raw: dict, out: dict, errors: dict) -> None:
    for name in DATES:
        try:
            out[name] = parse_day(raw.get(name))
        except (ValueError, TypeError):
            errors[name] = ["Bitte ein Datum angeben (TT.MM.JJJJ oder JJJJ-MM-TT)."]
            out[name] = None
    if out.get("valid_from") and out.get("valid_until") and out["valid_until"] < out["valid_from"]:
        errors["valid_until"] = ["„Gültig bis“ liegt vor „Gültig ab“."]
    if out.get("checked_on") and out["checked_on"] > today_berlin():
        errors["checked_on"] = ["Das Prüfdatum darf nicht in der Zukunft liegen."]


def _upkeep(raw: dict, out: dict, errors: dict) -> None:
    upkeep = raw.get("shared_upkeep")
    if isinstance(upkeep, bool) or upkeep is None:
        out["shared_upkeep"] = bool(upkeep)
    elif str(upkeep).strip().casefold() in YES | NO:
        out["shared_upkeep"] = str(upkeep).strip().casefold() in YES
    else:
        errors["shared_upkeep"] = ["Bitte „ja“ oder „nein“."]


def clean(raw: dict, places: Places) -> tuple[dict, dict[str, list[str]]]:
    """The values to store (``municipality_id`` for ``municipality``), or German messages per field."""
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for step in (_texts, _codes, _dates, _upkeep):
        step(raw, out, errors)
    _place(raw, places, out, errors)
    return out, errors


def snapshot(offer) -> dict:
    """An offer's fields as JSON (codes; dates as ISO text; ``municipality_id``): one version's data."""
    data: dict[str, Any] = {"municipality_id": offer.municipality_id}
    for name in FIELDS[1:]:
        value = getattr(offer, name)
        data[name] = (
            value.isoformat()
            if isinstance(value, date)
            else (list(value) if isinstance(value, list) else value)
        )
    return data
