"""Working with a case's household: add a member, change one (every change kept), a member leaves.

Each change of a member's data is a row in ``member_changes`` per field (who, when, old -> new), so the
household's history can be read back. Names follow the one name rule (engine/cases/names.py); a birth
date lies neither in the future nor more than 120 years back. The case's person (member 1) is changed
here too: the case record's names and client data follow, so lists and search stay right. Member 1
cannot leave the household (the case is closed instead). Every reading and writing is audited.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import require_case_manager
from ..audit.service import case_event, record
from ..cases.models import OPEN, Case
from ..cases.names import clean_names
from ..cases.service import get_case
from ..clock import BERLIN, today_berlin, utcnow
from ..db import begin_write
from ..errors import Conflict, InvalidInput, NotFound
from ..reports import projection as figures
from ..vocabulary import labels
from .keys import name_key
from .models import SELF, Member, MemberChange
from .service import display_name, members_of

NAMES = {"given_name": "given_name", "family_name": "family_name"}  # field -> error path
PERSON_FIELDS = ("given_name", "family_name", "birth_date", "languages")  # kept in the encrypted ``person``
ROW_FIELDS = ("relationship", "residence_status", "residence_valid_until")
OLDEST_YEARS, VALID_UNTIL_YEARS = 120, 30
NO_SUCH_MEMBER = "Dieses Haushaltsmitglied gibt es in diesem Fall nicht."


def _check(values: dict, *, first: bool) -> dict:
    """Names tidied and dates and codes checked; one German 422 naming every bad field."""
    names = {k: v for k, v in NAMES.items() if k in values}
    values = clean_names(values, names) if names else dict(values)
    errors: dict[str, list[str]] = {}
    today = today_berlin()
    born = values.get("birth_date")
    if isinstance(born, date):
        if born > today:
            errors["birth_date"] = [
                f"Das Geburtsdatum darf nicht in der Zukunft liegen (heute ist der {today:%d.%m.%Y})."
            ]
        elif born.year < today.year - OLDEST_YEARS:
            errors["birth_date"] = [f"Das Geburtsdatum liegt mehr als {OLDEST_YEARS} Jahre zurück."]
    until = values.get("residence_valid_until")
    if isinstance(until, date) and not date(2000, 1, 1) <= until <= today + timedelta(
        days=365 * VALID_UNTIL_YEARS
    ):
        errors["residence_valid_until"] = [
            "Bitte ein Datum zwischen 2000 und in höchstens 30 Jahren angeben."
        ]
    relation = values.get("relationship")
    if "relationship" in values:
        if relation not in labels("household.relationship"):
            errors["relationship"] = ["Unbekannte Beziehung zur Person des Falls."]
        elif (relation == SELF) != first:
            errors["relationship"] = [
                "„Person des Falls“ ist nur die erste Person des Haushalts."
                if not first
                else "Die Person des Falls bleibt „Person des Falls“."
            ]
    status = values.get("residence_status")
    if status is not None and status not in labels("residence.status"):
        errors["residence_status"] = ["Unbekannter Aufenthaltsstatus."]
    if errors:
        raise InvalidInput("Bitte die Angaben zum Haushaltsmitglied prüfen.", errors=errors)
    return values


def _case(session: Session, user: Actor, case_id: int) -> Case:
    require_case_manager(user)
    begin_write(session)
    return get_case(session, user=user, case_id=case_id)


def _still_open(case: Case) -> None:
    """Input is checked first (422), then whether the case can still change (409)."""
    if case.status != OPEN:
        raise Conflict(
            "Der Fall ist abgeschlossen; der Haushalt kann nicht mehr geändert werden.", kind="case-closed"
        )


def _member(session: Session, case: Case, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None or member.case_id != case.id:
        raise NotFound(NO_SUCH_MEMBER)
    return member


def _stored(value):
    return value.isoformat() if isinstance(value, date) else value


def _current(member: Member, field: str):
    if field in PERSON_FIELDS:
        return (member.person or {}).get(field)
    return _stored(getattr(member, field))


def list_members(session: Session, *, user: Actor, case_id: int) -> tuple[Case, list[Member]]:
    """Every member of a case in the user's scope, those who left included (the reading is recorded)."""
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    record(session, user, case_event("member.list", case))
    return case, members_of(session, case.id, current_only=False)


def add_member(session: Session, *, user: Actor, case_id: int, values: dict) -> Member:
    """A person joins the household (names, birth date, relationship, languages, residence status)."""
    case = _case(session, user, case_id)
    values = _check(values, first=False)
    _still_open(case)
    now = utcnow()
    position = (session.scalar(select(func.max(Member.position)).where(Member.case_id == case.id)) or 0) + 1
    person = {k: _stored(values[k]) for k in PERSON_FIELDS if values.get(k) not in (None, [], "")}
    member = Member(
        case_id=case.id,
        tenant_id=case.tenant_id,
        position=position,
        relationship=values["relationship"],
        family_name=values["family_name"],
        given_name=values["given_name"],
        name_key=name_key(values["family_name"]),
        person=person,
        residence_status=values.get("residence_status"),
        residence_valid_until=values.get("residence_valid_until"),
        joined_at=now,
    )
    session.add(member)
    session.flush()
    figures.count_joined_member(session, case, member, now)
    record(session, user, case_event("member.create", case, detail={"member_id": member.id}))
    return member


def change_member(session: Session, *, user: Actor, case_id: int, member_id: int, values: dict) -> Member:
    """Change a member's data; each changed field is kept in the history (who, when, old -> new)."""
    case = _case(session, user, case_id)
    member = _member(session, case, member_id)
    values = _check(values, first=member.position == 1)
    _still_open(case)
    if member.left_at is not None:
        raise Conflict(
            f"{display_name(member)} ist bereits aus dem Haushalt ausgeschieden.", kind="member-left"
        )
    now = utcnow()
    changed = []
    person = dict(member.person or {})
    for field in (*PERSON_FIELDS, *ROW_FIELDS):
        if field not in values:
            continue
        old, new = _current(member, field), _stored(values[field])
        if new in ("", []):
            new = None
        if old == new:
            continue
        changed.append(field)
        session.add(
            MemberChange(
                member_id=member.id,
                case_id=case.id,
                field=field,
                change={"old": old, "new": new},
                changed_at=now,
                changed_by_id=user.id,
            )
        )
        if field in PERSON_FIELDS:
            person[field] = new
            if new is None:
                del person[field]
        else:
            setattr(member, field, values[field])
    if not changed:
        return member
    member.person = person
    member.given_name, member.family_name = person["given_name"], person["family_name"]
    member.name_key = name_key(member.family_name)
    if member.position == 1:  # the case record holds the case's person too (lists, search, referrals)
        case.given_name, case.family_name = member.given_name, member.family_name
        case.client = {**(case.client or {}), **{k: person.get(k) for k in PERSON_FIELDS}}
    record(
        session, user, case_event("member.change", case, detail={"member_id": member.id, "fields": changed})
    )
    return member


def leave(
    session: Session, *, user: Actor, case_id: int, member_id: int, reason: str, left_on: date | None = None
) -> Member:
    """A member leaves the household (moved out, came of age, died ...), with a reason; kept in history."""
    case = _case(session, user, case_id)
    member = _member(session, case, member_id)
    if member.position == 1:
        raise Conflict(
            f"{display_name(member)} ist die Person des Falls und kann nicht ausscheiden; "
            "bitte stattdessen den Fall abschließen.",
            kind="case-person-stays",
        )
    if member.left_at is not None:
        raise Conflict(
            f"{display_name(member)} ist bereits am {member.left_at.astimezone(BERLIN):%d.%m.%Y} "
            "aus dem Haushalt ausgeschieden.",
            kind="member-left",
        )
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("Bitte einen Grund angeben.", errors={"reason": ["Bitte einen Grund angeben."]})
    today = today_berlin()
    if left_on is not None and left_on > today:
        message = f"Das Datum darf nicht in der Zukunft liegen (heute ist der {today:%d.%m.%Y})."
        raise InvalidInput(message, errors={"left_on": [message]})
    _still_open(case)
    now = utcnow()
    member.left_at = (
        now
        if left_on is None or left_on == today
        else datetime(left_on.year, left_on.month, left_on.day, 12, tzinfo=now.tzinfo)
    )
    member.left_reason = reason[:200]
    session.add(
        MemberChange(
            member_id=member.id,
            case_id=case.id,
            field="left",
            change={"old": None, "new": (left_on or today).isoformat(), "reason": member.left_reason},
            changed_at=now,
            changed_by_id=user.id,
        )
    )
    record(session, user, case_event("member.leave", case, detail={"member_id": member.id}))
    return member


def history(
    session: Session, *, user: Actor, case_id: int, member_id: int
) -> tuple[Case, Member, list[MemberChange]]:
    """A member's changes, oldest first (the reading is recorded)."""
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    member = _member(session, case, member_id)
    record(session, user, case_event("member.history", case, detail={"member_id": member.id}))
    changes = session.scalars(
        select(MemberChange).where(MemberChange.member_id == member.id).order_by(MemberChange.id)
    )
    return case, member, list(changes)
