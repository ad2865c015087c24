"""Ending a UmA follow-up before its end: its tasks and timers go, its row says "stopped", the case goes
on, the reason is in the audit trail; only the case's case managers may, with a reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.access.actor import Actor
from engine.access.models import User
from engine.audit.models import AuditEntry
from engine.cases.models import OPEN, Case
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.followups.ending import end_followup
from engine.followups.models import STOPPED, FollowUp
from engine.instances.models import ProcessInstance
from engine.tasks.models import CANCELLED, READY, TaskRecord
from engine.timers.models import Timer
from engine.uow import begin
from tests.api.helpers import give_consent, open_case


def actor(session, username: str) -> Actor:
    u = session.scalars(select(User).where(User.username == username)).one()
    return Actor(u.id, u.username, u.role, u.tenant_id, u.municipality_id, u.team_id, u.agency)


@pytest.fixture
def started(client, login) -> tuple[int, int]:
    cm = login("cm-borchen")
    case = open_case(client, cm)
    give_consent(client, cm, case["id"])
    r = client.post(f"/api/v1/cases/{case['id']}/followups", headers=cm)
    assert r.status_code == 201, r.json
    return case["id"], r.json["id"]


@pytest.fixture
def session(app, started):
    with app.extensions["kim"]["sessions"]() as s:
        begin(s, write=True)
        yield s
        s.rollback()


def test_ending_stops_the_followup_and_keeps_the_case(session, started):
    case_id, followup_id = started
    cm = actor(session, "cm-borchen")
    row = end_followup(session, user=cm, case_id=case_id, followup_id=followup_id, reason="Umzug nach Köln")
    assert row.status == STOPPED and row.completed_at is not None
    instance = session.get(ProcessInstance, row.instance_id)
    assert instance.status == CANCELLED
    assert not session.scalars(
        select(TaskRecord).where(TaskRecord.instance_id == instance.id, TaskRecord.status == READY)
    ).all()
    assert not session.scalars(select(Timer).where(Timer.instance_id == instance.id)).all()
    assert session.get(Case, case_id).status == OPEN
    (event,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "followup.end")).all()
    assert event.case_id == case_id and event.reason == "Umzug nach Köln"
    with pytest.raises(Conflict):
        end_followup(session, user=cm, case_id=case_id, followup_id=followup_id, reason="noch einmal")


def test_ending_needs_a_reason_the_case_managers_scope_and_the_case(session, started):
    case_id, followup_id = started
    cm = actor(session, "cm-borchen")
    with pytest.raises(InvalidInput) as refused:
        end_followup(session, user=cm, case_id=case_id, followup_id=followup_id, reason="  ")
    assert "reason" in refused.value.errors
    with pytest.raises(NotFound):
        end_followup(
            session,
            user=actor(session, "cm-delbrueck"),
            case_id=case_id,
            followup_id=followup_id,
            reason="Umzug",
        )
    with pytest.raises(Forbidden):
        end_followup(
            session,
            user=actor(session, "coordinator"),
            case_id=case_id,
            followup_id=followup_id,
            reason="Umzug",
        )
    with pytest.raises(NotFound):
        end_followup(session, user=cm, case_id=case_id, followup_id=followup_id + 1000, reason="Umzug")
    assert session.get(FollowUp, followup_id).status != STOPPED
