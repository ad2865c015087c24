"""Household service: adding, changing with history, leaving; the case's person and the case record."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engine.cases.models import Case
from engine.clock import today_berlin
from engine.consents import service as consents
from engine.errors import Conflict, InvalidInput, NotFound
from engine.households import members, read
from engine.households.models import MemberChange
from engine.uow import begin
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case

from .test_duplicates import actor

CHILD = {
    "given_name": "Lina",
    "family_name": "Haddad",
    "birth_date": date(2015, 3, 1),
    "relationship": "child",
}


@pytest.fixture
def case_id(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, h, case["id"], "consent", d.CONSENT_YES)  # releases: jobcenter (member 1)
    return case["id"]


@pytest.fixture
def session(app, case_id):
    with app.extensions["kim"]["sessions"]() as s:
        begin(s, write=True)
        yield s
        s.rollback()


def test_add_change_leave_and_history(session, case_id):
    cm = actor(session, "cm-borchen")
    child = members.add_member(session, user=cm, case_id=case_id, values={**CHILD, "given_name": " Lina  "})
    assert (child.position, child.given_name, child.name_key) == (2, "Lina", "HT")
    members.change_member(
        session,
        user=cm,
        case_id=case_id,
        member_id=child.id,
        values={"residence_valid_until": date(2030, 1, 1)},
    )
    members.change_member(
        session, user=cm, case_id=case_id, member_id=child.id, values={"given_name": "Lina"}
    )  # no change
    changes = session.scalars(select(MemberChange).where(MemberChange.member_id == child.id)).all()
    assert [(c.field, c.change) for c in changes] == [
        ("residence_valid_until", {"old": None, "new": "2030-01-01"})
    ]
    members.leave(session, user=cm, case_id=case_id, member_id=child.id, reason="Zum Vater gezogen")
    with pytest.raises(Conflict, match="Lina Haddad ist bereits"):
        members.leave(session, user=cm, case_id=case_id, member_id=child.id, reason="nochmal")
    with pytest.raises(Conflict, match="bereits aus dem Haushalt ausgeschieden"):
        members.change_member(
            session, user=cm, case_id=case_id, member_id=child.id, values={"given_name": "X"}
        )
    hist = read.member_history(session, user=cm, case_id=case_id, member_id=child.id)
    assert [c.field_label for c in hist.changes] == [
        "Aufenthaltsstatus gültig bis",
        "Aus dem Haushalt ausgeschieden",
    ]
    coordinator = actor(session, "coordinator")
    seen = read.household(session, user=coordinator, case_id=case_id)
    assert [(m.relationship, m.given_name, m.birth_date, m.age) for m in seen.members] == [
        ("self", None, None, None),
        ("child", None, None, None),
    ]
    with pytest.raises(NotFound):
        read.household(session, user=actor(session, "cm-delbrueck"), case_id=case_id)


def test_refusals_name_the_field(session, case_id):
    cm = actor(session, "cm-borchen")
    tomorrow = today_berlin() + timedelta(days=1)
    for values, field in [
        ({**CHILD, "birth_date": tomorrow}, "birth_date"),
        ({**CHILD, "birth_date": date(1850, 1, 1)}, "birth_date"),
        ({**CHILD, "family_name": "\u200b"}, "family_name"),
        ({**CHILD, "relationship": "self"}, "relationship"),
        ({**CHILD, "relationship": "cousin"}, "relationship"),
    ]:
        with pytest.raises(InvalidInput) as exc:
            members.add_member(session, user=cm, case_id=case_id, values=values)
        assert field in exc.value.errors, values


def test_require_release_per_member_and_minors_by_the_guardian(session, case_id):

    cm = actor(session, "cm-borchen")
    case = session.get(Case, case_id)
    first = read.household(session, user=cm, case_id=case_id).members[0]
    child = members.add_member(session, user=cm, case_id=case_id, values=CHILD)
    today = today_berlin()
    assert [m.id for m in consents.require_release(session, case, "jobcenter", [first.id], today)] == [
        first.id
    ]
    with pytest.raises(InvalidInput) as exc:
        consents.require_release(session, case, "jobcenter", [first.id, child.id], today)
    assert "Lina Haddad" in exc.value.errors["member_ids"][0] and exc.value.kind == "consent-missing"
    row = consents.add(
        session,
        case=case,
        user=cm,
        kind="confidentiality_release",
        agency="jobcenter",
        given_on=today,
        form_version=None,
        member_ids=[child.id],
    )
    assert [(m.member_id, m.guardian_id) for m in row.members] == [(child.id, first.id)]
    consents.require_release(session, case, "jobcenter", [first.id, child.id], today)
    with pytest.raises(InvalidInput):  # not in force before it was given
        consents.require_release(session, case, "jobcenter", [child.id], today - timedelta(days=400))
    with pytest.raises(InvalidInput):  # unknown member
        consents.require_release(session, case, "jobcenter", [999999], today)
    with pytest.raises(InvalidInput) as exc:  # the guardian must be an adult of the household
        consents.add(
            session,
            case=case,
            user=cm,
            kind="confidentiality_release",
            agency="jmd",
            given_on=today,
            form_version=None,
            member_ids=[child.id],
            guardian_id=child.id,
        )
    assert "guardian_id" in exc.value.errors
