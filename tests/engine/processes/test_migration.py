"""Moving running cases to another version: the dry run, the move per case, and running on to the end."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import clock
from engine import workflow as wf
from engine.audit.models import AuditEntry
from engine.cases.service import open_case as open_case_service
from engine.db import begin_write
from engine.instances.models import ProcessInstance
from engine.instances.service import create_instance
from engine.processes import migration as migration_service
from engine.processes.models import ProcessVersion
from engine.processes.service import parsed_version
from engine.timers.jobs import run_due
from engine.timers.models import Timer
from engine.timers.policy import TimerPolicy
from tests import lifecycle_data as d
from tests.api.helpers import CLIENT, open_case, ready, run_to_evaluation
from tests.engine.processes.helpers import (
    API,
    LIFECYCLE,
    add_check_file,
    finish,
    migrate,
    parallel,
    rename_element,
    upload_and_deploy,
    waiter,
)
from tests.engine.timers.helpers import actor

PID = "case_lifecycle"


@pytest.fixture
def po(login):
    return login("process-owner")


@pytest.fixture
def cm(login):
    return login("cm-borchen")


@pytest.fixture
def cases(client, cm):
    """Three cases on version 1: A fresh (first contact), B at an evaluation, C at the assessment."""
    a, b, c = (open_case(client, cm) for _ in range(3))
    run_to_evaluation(client, cm, b["id"])
    for bpmn_id, data in [("first_contact", d.FIRST_CONTACT), ("consent", d.CONSENT_YES)]:
        step(client, cm, c["id"], bpmn_id, data)
    return {"A": a, "B": b, "C": c}


def step(client, headers, case_id, bpmn_id, data):
    (task,) = [t for t in ready(client, headers, case_id) if t["bpmn_id"] == bpmn_id]
    return finish(client, headers, task["id"], data)


def by_case(result) -> dict[int, dict]:
    return {item["case_id"]: item for item in result["items"]}


def versions(app) -> dict[int, int]:
    """case id -> version number its lifecycle instance runs on."""
    with app.extensions["kim"]["sessions"]() as s:
        rows = s.execute(
            select(ProcessInstance.case_id, ProcessVersion.version)
            .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
            .where(ProcessInstance.process_id == PID)
        ).all()
    return dict(rows)


def audit(app, action) -> list[AuditEntry]:
    with app.extensions["kim"]["sessions"]() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_the_dry_run_lists_movable_and_blocked_cases_by_pseudonym(app, client, po, cases):
    v2 = upload_and_deploy(client, po, add_check_file(LIFECYCLE), PID)
    v3 = upload_and_deploy(client, po, rename_element(LIFECYCLE, "evaluation", "evaluation_v3"), PID)
    a, b, c = cases["A"]["id"], cases["B"]["id"], cases["C"]["id"]

    later = migrate(client, po, PID, v2)  # a task added after where anybody stands: everybody moves
    assert later["dry_run"] is True and later["counts"] == {
        "movable": 3,
        "blocked": 0,
        "migrated": 0,
        "failed": 0,
    }
    items = by_case(later)
    assert {items[x]["pseudonym"] for x in (a, b, c)} == {cases[k]["pseudonym"] for k in "ABC"}
    assert items[b]["open_tasks"] == ["evaluation"] and items[b]["from_version"] == 1
    body = json.dumps(later)
    assert CLIENT["family_name"] not in body and CLIENT["given_name"] not in body

    removed = by_case(migrate(client, po, PID, v3, from_version=1))  # the element B waits in is gone
    assert removed[a]["status"] == removed[c]["status"] == "movable"
    assert removed[b]["status"] == "blocked"
    (reason,) = removed[b]["reasons"]
    assert reason["element_id"] == "evaluation" and "Evaluation" in reason["message_de"]
    assert "neuen Version nicht" in reason["message_de"]

    assert versions(app) == {a: 1, b: 1, c: 1}  # a dry run changes nothing
    assert len(audit(app, "process.migration_check")) == 2 and audit(app, "process.migrate") == []


def test_data_that_no_longer_fits_the_open_tasks_form_blocks_the_case(client, po, cases):
    strict = {
        "type": "object",
        "title": "Strenge Einschätzung",
        "properties": {"contact_date": {"type": "integer"}, "route": {"type": "string"}},
    }
    assert (
        client.put(f"{API}/forms/assessment_strict", json={"schema": strict}, headers=po).status_code == 200
    )
    xml = LIFECYCLE.replace('camunda:formKey="assessment"', 'camunda:formKey="assessment_strict"')
    v2 = upload_and_deploy(client, po, xml, PID)
    items = by_case(migrate(client, po, PID, v2))
    assert items[cases["A"]["id"]]["status"] == items[cases["B"]["id"]]["status"] == "movable"
    blocked = items[cases["C"]["id"]]
    assert blocked["status"] == "blocked" and blocked["open_tasks"] == ["assessment"]
    (reason,) = blocked["reasons"]
    assert reason["element_id"] == "assessment" and "contact_date" in reason["message_de"]
    assert d.FIRST_CONTACT["contact_date"] not in json.dumps(blocked)  # fields are named, values never


def test_migrated_cases_run_to_the_end_on_the_new_version(app, client, po, cm, cases):
    v2 = upload_and_deploy(client, po, add_check_file(LIFECYCLE), PID)
    a, b, c = cases["A"]["id"], cases["B"]["id"], cases["C"]["id"]
    before = {x: [t["id"] for t in ready(client, cm, x)] for x in (a, b, c)}

    result = migrate(client, po, PID, v2, dry_run=False)
    assert result["counts"] == {"movable": 0, "blocked": 0, "migrated": 3, "failed": 0}
    assert versions(app) == {a: 2, b: 2, c: 2}
    assert {x: [t["id"] for t in ready(client, cm, x)] for x in (a, b, c)} == before  # the same open tasks
    moved = audit(app, "process.migrate")
    assert sorted(e.case_id for e in moved) == sorted([a, b, c])
    assert all(e.pseudonym and e.detail["to_version"] == 2 and e.detail["from_version"] == 1 for e in moved)
    assert migrate(client, po, PID, v2, dry_run=False)["items"] == []  # nothing left to move

    # B: the evaluation it stood in, then the task version 2 added, then the closure.
    step(client, cm, b, "evaluation", d.evaluation(False))
    step(client, cm, b, "final_evaluation", d.FINAL)
    assert [t["bpmn_id"] for t in ready(client, cm, b)] == ["check_file"]
    step(client, cm, b, "check_file", {})
    step(client, cm, b, "closure", d.CLOSURE_GOALS_MET)
    case_b = client.get(f"{API}/cases/{b}", headers=cm).json
    assert case_b["status"] == "closed" and case_b["closure_reason"] == "goals_met"

    # C: the referral route; consent withdrawal (a boundary event of the subprocess) still works on A.
    for bpmn_id, data in [
        ("assessment", d.ASSESS_REFERRAL),
        ("referral", d.REFERRAL),
        ("closure", d.CLOSURE_REFERRED),
    ]:
        step(client, cm, c, bpmn_id, data)
    assert client.get(f"{API}/cases/{c}", headers=cm).json["status"] == "closed"
    for bpmn_id, data in [("first_contact", d.FIRST_CONTACT), ("consent", d.CONSENT_YES)]:
        step(client, cm, a, bpmn_id, data)
    r = client.post(f"{API}/cases/{a}/consent-withdrawal", headers=cm)
    assert r.status_code == 200, r.json
    assert client.get(f"{API}/cases/{a}", headers=cm).json["closure_reason"] == "consent_withdrawn"


def test_blocked_cases_stay_on_their_version_and_still_run_to_the_end(app, client, po, cm, cases):
    v2 = upload_and_deploy(client, po, rename_element(LIFECYCLE, "evaluation", "evaluation_v2"), PID)
    a, b, c = cases["A"]["id"], cases["B"]["id"], cases["C"]["id"]
    result = by_case(migrate(client, po, PID, v2, dry_run=False))
    assert [result[x]["status"] for x in (a, b, c)] == ["migrated", "blocked", "migrated"]
    assert versions(app) == {a: 2, b: 1, c: 2}

    step(client, cm, b, "evaluation", d.evaluation(True))  # the old version, with its old element
    step(client, cm, b, "evaluation", d.evaluation(False))
    step(client, cm, b, "final_evaluation", d.FINAL)
    step(client, cm, b, "closure", d.CLOSURE_GOALS_MET)
    assert client.get(f"{API}/cases/{b}", headers=cm).json["status"] == "closed"
    assert versions(app)[b] == 1

    for bpmn_id, data in [("assessment", d.ASSESS_ACCOMPANY), ("goal_agreement", d.GOALS)]:
        step(client, cm, c, bpmn_id, data)
    assert [t["bpmn_id"] for t in ready(client, cm, c)] == ["evaluation_v2"]  # the moved case: new element
    step(client, cm, c, "evaluation_v2", d.evaluation(False))
    step(client, cm, c, "final_evaluation", d.FINAL)
    step(client, cm, c, "closure", d.CLOSURE_GOALS_MET)
    assert client.get(f"{API}/cases/{c}", headers=cm).json["status"] == "closed"


def test_a_case_that_fails_is_rolled_back_alone_and_reported(app, client, po, cm, cases, monkeypatch):
    v2 = upload_and_deploy(client, po, add_check_file(LIFECYCLE), PID)
    a, b, c = cases["A"]["id"], cases["B"]["id"], cases["C"]["id"]
    with app.extensions["kim"]["sessions"]() as s:
        state_b = s.scalars(select(ProcessInstance.state).where(ProcessInstance.case_id == b)).one()
    real = migration_service.record

    def failing_audit(session, user, *events, **kw):  # fails after B's state and version were written
        if any(e.action == "process.migrate" and e.case_id == b for e in events):
            raise RuntimeError("disk full")
        return real(session, user, *events, **kw)

    monkeypatch.setattr(migration_service, "record", failing_audit)
    result = migrate(client, po, PID, v2, dry_run=False)
    assert result["counts"]["migrated"] == 2 and result["counts"]["failed"] == 1
    failed = by_case(result)[b]
    assert failed["status"] == "failed" and "unverändert" in failed["reasons"][0]["message_de"]
    assert "disk full" not in json.dumps(result)
    assert versions(app) == {a: 2, b: 1, c: 2}
    with app.extensions["kim"]["sessions"]() as s:
        assert s.scalars(select(ProcessInstance.state).where(ProcessInstance.case_id == b)).one() == state_b
    assert [e.case_id for e in audit(app, "process.migrate_failed")] == [b]
    step(client, cm, b, "evaluation", d.evaluation(False))  # B goes on, on version 1


def test_waiting_timers_keep_their_due_time_and_fire_on_the_new_version(app, client, po, cm):
    note = {
        "type": "object",
        "title": "Notiz",
        "additionalProperties": False,
        "properties": {"note": {"type": "string", "maxLength": 200}},
    }
    assert client.put(f"{API}/forms/note", json={"schema": note}, headers=po).status_code == 200
    upload_and_deploy(client, po, waiter(), "waiter")
    sessions = app.extensions["kim"]["sessions"]
    with sessions() as s:
        begin_write(s)
        user = actor(s, "cm-borchen")
        case = open_case_service(
            s, user=user, municipality="Borchen", client={"given_name": "Test", "family_name": "Timer"}
        )
        v1 = s.scalars(select(ProcessVersion).where(ProcessVersion.process_id == "waiter")).one()
        instance, _ = create_instance(
            s,
            case=case,
            version_id=v1.id,
            process_id="waiter",
            result=wf.start(parsed_version(s, v1.id)),
            user=user,
        )
        s.commit()
        case_id, instance_id = case.id, instance.id

    def timer_rows():
        with sessions() as s:
            return [
                (t.task_id, t.scheduled_for, t.name)
                for t in s.scalars(select(Timer).where(Timer.instance_id == instance_id))
            ]

    (before,) = timer_rows()
    v2 = upload_and_deploy(
        client, po, waiter("Nachfassen (neu)").replace("Einen Tag warten", "Ein Tag"), "waiter"
    )
    assert by_case(migrate(client, po, "waiter", v2, dry_run=False))[case_id]["status"] == "migrated"
    (after,) = timer_rows()
    assert after[:2] == before[:2] and after[2] == "Ein Tag"  # same wait, same due time, new name
    try:
        clock.travel_to(before[1] + timedelta(minutes=1))
        assert [o.status for o in run_due(sessions, owner="test", policy=TimerPolicy())] == ["fired"]
    finally:
        clock.reset()
    (task,) = [t for t in ready(client, cm, case_id) if t["bpmn_id"] == "followup"]
    assert task["name"] == "Nachfassen (neu)"
    finish(client, cm, task["id"], {"note": "erledigt"})
    with sessions() as s:
        assert s.get(ProcessInstance, instance_id).status == "completed"


def test_only_process_owners_migrate_and_only_to_deployed_versions(client, po, login, cases):
    cm = login("cm-borchen")
    r = client.post(f"{API}/processes/{PID}/migrations", json={"to_version": 1}, headers=cm)
    assert r.status_code == 403
    assert migrate(client, po, PID, 9, expect=404)
    assert migrate(client, po, "nope", 1, expect=404)
    assert migrate(client, po, PID, 1, from_version=1, expect=422)["errors"]["from_version"]
    r = client.post(
        f"{API}/processes/{PID}/migrations",
        data=LIFECYCLE.replace('name="Evaluation"', 'name="E"'),
        headers={**po, "Content-Type": "application/xml"},
    )
    assert r.status_code == 422  # a body that is not the JSON request


def _engine_step(proc, result, bpmn_id, data):
    (task,) = [t for t in result.ready if t.bpmn_id == bpmn_id]
    return wf.complete(proc, result.state, task.task_id, data)


def test_engine_a_waiting_join_moves_only_if_its_incoming_paths_stay():
    from engine.workflow import serializer

    v1 = wf.parse_diagram(parallel(), "parallel")
    wider = wf.parse_diagram(parallel(third=True), "parallel")
    longer = wf.parse_diagram(parallel(after=True), "parallel")
    waiting = _engine_step(v1, wf.start(v1), "task_a", {"note": "A"})  # the join waits for B
    assert [t.bpmn_id for t in waiting.ready] == ["task_b"]

    (blocker,) = wf.check_migration(v1, wider, waiting.state).blockers
    assert blocker.element_id == "join" and "Zusammenführung" in blocker.message_de
    with pytest.raises(wf.MigrationBlocked):
        wf.migrate_instance(v1, wider, waiting.state)

    assert wf.check_migration(v1, longer, waiting.state).blockers == []
    moved = wf.migrate_instance(v1, longer, waiting.state)
    assert [t.task_id for t in moved.ready] == [t.task_id for t in waiting.ready]
    restored = serializer.loads(moved.state, longer.spec, longer.subprocess_specs)
    assert serializer.dumps(restored) == moved.state  # the moved state round-trips on the new specs
    after_b = _engine_step(longer, moved, "task_b", {"note": "B"})
    assert [t.bpmn_id for t in after_b.ready] == ["wrap_up"]
    done = _engine_step(longer, after_b, "wrap_up", {})
    assert done.completed and done.data["note"] in ("A", "B")
