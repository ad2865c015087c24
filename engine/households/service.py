"""A case's household: its first member when the case opens, and the members a step may name."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..errors import InvalidInput
from .keys import name_key
from .models import SELF, Member


def first_member(case, person: dict, now: datetime) -> Member:
    """The person the case is opened for, as the household's first member (not yet added)."""
    stored = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in person.items()}
    return Member(
        case_id=case.id,
        tenant_id=case.tenant_id,
        position=1,
        relationship=SELF,
        family_name=stored["family_name"],
        given_name=stored["given_name"],
        name_key=name_key(stored["family_name"]),
        person=stored,
        joined_at=now,
    )


def members_of(session: Session, case_id: int, *, current_only: bool = True) -> list[Member]:
    """The household's members in their order; with ``current_only`` those who have not left."""
    return list(session.scalars(_CURRENT if current_only else _ALL, {"members_case": case_id}))


# Built once (a statement object keeps its cache key): most task completions read the household.
_ALL = select(Member).where(Member.case_id == bindparam("members_case")).order_by(Member.position)
_CURRENT = _ALL.where(Member.left_at.is_(None))


def require_members(session: Session, case_id: int, member_ids, field: str = "member_ids") -> list[Member]:
    """The current members ``member_ids`` names, or a German 422 on ``field`` (unknown, left, repeated)."""
    if not isinstance(member_ids, list) or not member_ids or not all(isinstance(i, int) for i in member_ids):
        raise InvalidInput(
            "Bitte mindestens ein Haushaltsmitglied wählen.",
            errors={field: ["Mindestens eine Person wählen."]},
        )
    if len(set(member_ids)) != len(member_ids):
        raise InvalidInput("Eine Person ist doppelt genannt.", errors={field: ["Jede Person nur einmal."]})
    current = {m.id: m for m in members_of(session, case_id)}
    unknown = [i for i in member_ids if i not in current]
    if unknown:
        raise InvalidInput(
            "Diese Person gehört nicht (mehr) zum Haushalt des Falls.",
            errors={field: [f"Unbekanntes oder ausgeschiedenes Haushaltsmitglied: {unknown[0]}."]},
        )
    return [current[i] for i in member_ids]


def display_name(member: Member) -> str:
    """Given and family name, as people read them in messages."""
    return f"{member.given_name} {member.family_name}".strip()


def birth_date_of(member: Member) -> date | None:
    """The member's birth date, if known."""
    raw = (member.person or {}).get("birth_date")
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) and raw else None
    except ValueError:
        return None


def age_on(member: Member, day: date) -> int | None:
    """Completed years on ``day`` (None without a birth date)."""
    born = birth_date_of(member)
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
