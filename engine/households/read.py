"""Household screens and resources, read in one place: the members of a case (API list and the case
page's "Haushalt" section) and one member's history of changes.

Scope and the audit record come from engine/households/members.py; here the rows become ready-to-show
views with labels, the age and whether the residence status runs out soon. A pseudonymised role
(coordinator, steering, DPO) gets the household's shape only (position, relationship, joined and left):
names, birth date, age, languages, residence status, the reason for leaving and the values of changes
are None.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.read import display_names
from ..access.service import sees_personal_data
from ..clock import today_berlin
from ..vocabulary import label
from . import members as service
from .models import Member, MemberChange
from .service import age_on

EXPIRY_WARNING_DAYS = 90
SYSTEM = "System"


@dataclass(frozen=True)
class MemberView:
    """One member as the household list shows it; personal fields only for who sees personal data."""

    id: int
    position: int
    relationship: str
    relationship_label: str
    joined_at: datetime
    left_at: datetime | None
    current: bool
    given_name: str | None = None
    family_name: str | None = None
    birth_date: str | None = None
    age: int | None = None
    minor: bool | None = None
    languages: list[str] | None = None
    residence_status: str | None = None
    residence_status_label: str | None = None
    residence_valid_until: date | None = None
    residence_expires_soon: bool = False  # valid-until within 90 days (or passed) while a member
    left_reason: str | None = None


def member_view(member: Member, personal: bool, today: date) -> MemberView:
    """The view of one member; personal data only if ``personal``."""
    shape = MemberView(
        id=member.id,
        position=member.position,
        relationship=member.relationship,
        relationship_label=label("household.relationship", member.relationship),
        joined_at=member.joined_at,
        left_at=member.left_at,
        current=member.left_at is None,
    )
    if not personal:
        return shape
    age = age_on(member, today)
    until = member.residence_valid_until
    person = member.person or {}
    return replace(
        shape,
        given_name=member.given_name,
        family_name=member.family_name,
        birth_date=person.get("birth_date"),
        age=age,
        minor=None if age is None else age < 18,
        languages=list(person.get("languages") or []),
        residence_status=member.residence_status,
        residence_status_label=label("residence.status", member.residence_status) or None,
        residence_valid_until=until,
        residence_expires_soon=(
            until is not None
            and member.left_at is None
            and until <= today + timedelta(days=EXPIRY_WARNING_DAYS)
        ),
        left_reason=member.left_reason,
    )


@dataclass(frozen=True)
class Household:
    """A case's household: its members in order, those who left last."""

    case_id: int
    personal: bool
    members: list[MemberView]


def household(session: Session, *, user: Actor, case_id: int) -> Household:
    """The members of a case (the reading is recorded)."""
    case, rows = service.list_members(session, user=user, case_id=case_id)
    personal, today = sees_personal_data(user), today_berlin()
    views = [member_view(m, personal, today) for m in rows]
    views.sort(key=lambda v: (not v.current, v.position))
    return Household(case.id, personal, views)


@dataclass(frozen=True)
class ChangeView:
    """One changed field of a member: who, when, from what to what (values only for personal readers)."""

    id: int
    field: str
    field_label: str
    changed_at: datetime
    who: str
    old: object = None
    new: object = None
    reason: str | None = None


FIELD_LABELS = {
    "given_name": "Vorname",
    "family_name": "Familienname",
    "birth_date": "Geburtsdatum",
    "languages": "Sprachen",
    "relationship": "Beziehung",
    "residence_status": "Aufenthaltsstatus",
    "residence_valid_until": "Aufenthaltsstatus gültig bis",
    "left": "Aus dem Haushalt ausgeschieden",
}


def _shown(field: str, value):
    """Codes as their labels (relationship, residence status); everything else as stored."""
    if field == "relationship":
        return label("household.relationship", value) or None
    if field == "residence_status":
        return label("residence.status", value) or None
    return value


def _change(c: MemberChange, personal: bool, names: dict[int, str]) -> ChangeView:
    who = names.get(c.changed_by_id, SYSTEM) if c.changed_by_id else SYSTEM
    out = ChangeView(c.id, c.field, FIELD_LABELS.get(c.field, c.field), c.changed_at, who)
    if not personal:
        return out
    change = c.change or {}
    return replace(
        out,
        old=_shown(c.field, change.get("old")),
        new=_shown(c.field, change.get("new")),
        reason=change.get("reason"),
    )


@dataclass(frozen=True)
class MemberHistory:
    member: MemberView
    changes: list[ChangeView]


def member_history(session: Session, *, user: Actor, case_id: int, member_id: int) -> MemberHistory:
    """One member with every change of their data, oldest first (the reading is recorded)."""
    _case, member, changes = service.history(session, user=user, case_id=case_id, member_id=member_id)
    personal = sees_personal_data(user)
    names = display_names(session, {c.changed_by_id for c in changes if c.changed_by_id})
    return MemberHistory(
        member_view(member, personal, today_berlin()), [_change(c, personal, names) for c in changes]
    )


def written(member: Member) -> MemberView:
    """The member just added or changed, as its case manager sees it (the writing is recorded)."""
    return member_view(member, True, today_berlin())
