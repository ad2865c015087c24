"""Writing programme facts, and the school year (1 August - 31 July) they count in."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from ..errors import InvalidInput
from .models import ProgrammeEvent

_YEAR = re.compile(r"^(\d{4})/(\d{2})$")


def school_year_of(day: date) -> str:
    """'2023/24' for any day from 1 Aug 2023 to 31 Jul 2024."""
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def school_year_bounds(label: str) -> tuple[date, date]:
    """First and last day of a school year given as '2023/24'."""
    match = _YEAR.match(label or "")
    if (
        not match
        or (int(match.group(1)) + 1) % 100 != int(match.group(2))
        or not 2000 <= int(match.group(1)) <= 2100
    ):
        raise InvalidInput(
            "Ungültiges Schuljahr.",
            errors={"school_year": ["Bitte als JJJJ/JJ angeben, z. B. 2023/24 (1. August bis 31. Juli)."]},
        )
    start = int(match.group(1))
    return date(start, 8, 1), date(start + 1, 7, 31)


def as_date(value, fallback: date) -> date:
    """A form's date field as a date; the fallback when missing, invalid or in the future."""
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value)[:10]) if value else None
        except ValueError:
            value = None
    return value if value is not None and value <= fallback else fallback


# Built once (a statement object keeps its cache key): completions record their facts with it.
_INSERT = cast(Table, ProgrammeEvent.__table__).insert()


def add_event(
    session: Session,
    *,
    tenant_id: int,
    kind: str,
    code: str | None,
    occurred_on: date,
    now: datetime,
    municipality_id: int | None = None,
    team_id: int | None = None,
    case_id: int | None = None,
    topic_id: int | None = None,
    member_id: int | None = None,
) -> None:
    """Record one countable fact (same transaction as what it counts)."""
    session.execute(
        _INSERT,
        [
            {
                "tenant_id": tenant_id,
                "kind": kind,
                "code": (str(code)[:40] if code else None),
                "municipality_id": municipality_id,
                "team_id": team_id,
                "case_id": case_id,
                "topic_id": topic_id,
                "member_id": member_id,
                "occurred_on": occurred_on,
                "school_year": school_year_of(occurred_on),
                "recorded_at": now,
            }
        ],
    )
