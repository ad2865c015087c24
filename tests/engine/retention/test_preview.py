"""The retention preview finds what the run removes, by the run's own rule; legal holds stay out;
only the data-protection officer may read it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.access.actor import Actor
from engine.access.models import User
from engine.clock import utcnow
from engine.errors import Forbidden
from engine.retention import preview
from engine.retention.service import due_case_ids, set_legal_hold
from engine.uow import begin
from tests import lifecycle_data as d
from tests.api.helpers import complete, give_consent, open_case

DAYS = 1095


def actor(session, username: str) -> Actor:
    u = session.scalars(select(User).where(User.username == username)).one()
    return Actor(u.id, u.username, u.role, u.tenant_id, u.municipality_id, u.team_id, u.agency)


@pytest.fixture
def cases(client, login) -> dict[str, dict]:
    """A case closed today (no consent), one whose consent was withdrawn today, and an open one."""
    cm = login("cm-borchen")
    closed = open_case(client, cm)
    complete(client, cm, closed["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, cm, closed["id"], "consent", d.CONSENT_NO)
    withdrawn = open_case(client, cm)
    give_consent(client, cm, withdrawn["id"])
    assert client.post(f"/api/v1/cases/{withdrawn['id']}/consent-withdrawal", headers=cm).status_code == 200
    running = open_case(client, cm)
    return {"closed": closed, "withdrawn": withdrawn, "open": running}


@pytest.fixture
def session(app, cases):
    s = app.extensions["kim"]["sessions"]()
    begin(s, write=True)
    yield s
    s.rollback()
    s.close()


@pytest.mark.parametrize("days", [0, 29, 31, 366])
def test_the_preview_lists_what_the_run_would_remove_by_then(session, cases, days):
    dpo = actor(session, "dpo")
    found = preview.upcoming(session, user=dpo, default_days=DAYS, within_days=days)
    horizon = utcnow() + timedelta(days=days, minutes=1)
    assert [i.case_id for i in found.items] == due_case_ids(session, default_days=DAYS, now=horizon)
    ids = {i.case_id for i in found.items}
    assert cases["open"]["id"] not in ids
    assert (cases["withdrawn"]["id"] in ids) == (days > 30)  # the withdrawal's 30 days
    assert cases["closed"]["id"] not in ids  # 1095 days after the closure


def test_the_reason_and_day_are_those_of_the_run(session, cases):
    dpo = actor(session, "dpo")
    (item,) = preview.upcoming(session, user=dpo, default_days=DAYS, within_days=31).items
    assert item.pseudonym == cases["withdrawn"]["pseudonym"] and item.reason == "consent_withdrawn"
    assert not item.overdue and timedelta(days=29) < item.due_at - utcnow() <= timedelta(days=30)
    (closed,) = [
        i
        for i in preview.upcoming(session, user=dpo, default_days=10, within_days=11).items
        if i.case_id == cases["closed"]["id"]
    ]
    assert closed.reason == "retention_period"


def test_a_legal_hold_keeps_a_case_out_and_is_listed(session, cases):
    dpo = actor(session, "dpo")
    case_id = cases["withdrawn"]["id"]
    set_legal_hold(session, user=dpo, case_id=case_id, hold=True, reason="Az. 4 K 1/26")
    assert preview.upcoming(session, user=dpo, default_days=DAYS, within_days=60).items == []
    (hold,) = preview.holds(session, user=dpo)
    assert hold.case_id == case_id and hold.reason == "Az. 4 K 1/26"
    assert preview.find_case(session, user=dpo, key=cases["withdrawn"]["case_number"]) == case_id
    assert preview.find_case(session, user=dpo, key=cases["withdrawn"]["pseudonym"]) == case_id


def test_only_the_dpo_reads_it(session):
    for username in ("cm-borchen", "coordinator", "admin"):
        with pytest.raises(Forbidden):
            preview.upcoming(session, user=actor(session, username), default_days=DAYS)
        with pytest.raises(Forbidden):
            preview.holds(session, user=actor(session, username))
