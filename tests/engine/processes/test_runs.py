"""Test runs of deployed versions over the API: start, the run's inbox, forms, manual tasks, roles."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from engine import clock
from engine.audit.models import AuditEntry
from engine.instances.models import ProcessInstance
from engine.timers.jobs import run_due
from engine.timers.policy import TimerPolicy
from tests import lifecycle_data as d
from tests.api.helpers import open_case, ready
from tests.engine.processes.helpers import (
    API,
    deploy,
    finish,
    run_tasks,
    start_run,
    tryout,
    unsafe_lifecycle,
    upload,
    upload_and_deploy,
)


@pytest.fixture
def po(login):
    return login("process-owner")


def test_a_run_goes_from_start_to_end_through_the_task_api(app, client, po):
    upload_and_deploy(client, po, tryout(), "tryout")
    run = start_run(client, po, "tryout")
    assert run["version"] == 1 and run["status"] == "running" and run["started_by"] == "process-owner"
    assert [t["bpmn_id"] for t in run["open_tasks"]] == ["call"]

    # A manual task: listed with the run id, to confirm without a form.
    (call,) = run_tasks(client, po, run["id"])
    assert call["bpmn_id"] == "call" and call["manual"] is True and call["form_key"] is None
    assert call["run_id"] == run["id"] and call["case_id"] is None
    detail = client.get(f"{API}/tasks/{call['id']}", headers=po).json
    assert detail["form"] is None and detail["run_id"] == run["id"]
    assert "keine Daten" in finish(client, po, call["id"], {"note": "x"}, expect=422)["detail"]
    done = finish(client, po, call["id"], {})
    assert done["case"] is None and [t["bpmn_id"] for t in done["next_tasks"]] == ["intake"]

    # A user task in another lane (Koordination): validated against its form like a case task.
    (intake,) = run_tasks(client, po, run["id"])
    assert (
        intake["manual"] is False
        and intake["form_key"] == "first_contact"
        and intake["role"] == "coordinator"
    )
    assert client.get(f"{API}/tasks/{intake['id']}", headers=po).json["form"]["type"] == "object"
    bad = finish(client, po, intake["id"], {"contact_date": "kaputt"}, expect=422)
    assert "contact_date" in bad["errors"]
    finish(client, po, intake["id"], d.FIRST_CONTACT)

    # A plain bpmn:task behaves as a manual task; confirming it ends the run.
    (file_,) = run_tasks(client, po, run["id"])
    assert file_["bpmn_id"] == "file" and file_["manual"] is True and file_["due"] is not None
    assert finish(client, po, file_["id"], {})["next_tasks"] == []
    assert run_tasks(client, po, run["id"]) == []
    assert finish(client, po, file_["id"], {}, expect=409)

    (listed,) = client.get(f"{API}/processes/tryout/runs", headers=po).json["items"]
    assert listed["id"] == run["id"] and listed["status"] == "completed" and listed["open_tasks"] == []
    with app.extensions["kim"]["sessions"]() as s:
        instance = s.get(ProcessInstance, run["id"])
        assert instance.case_id is None and instance.started_by_id is not None
        actions = [
            (e.action, (e.detail or {}).get("instance_id"))
            for e in s.scalars(
                select(AuditEntry)
                .where(AuditEntry.action.in_(["run.start", "task.complete"]))
                .order_by(AuditEntry.id)
            )
        ]
    assert actions == [("run.start", None)] + [("task.complete", run["id"])] * 3


def test_runs_list_status_version_and_open_tasks(client, po):
    upload_and_deploy(client, po, tryout(), "tryout")
    upload_and_deploy(client, po, tryout(extra_step=True), "tryout")
    old = start_run(client, po, "tryout", version=1)
    new = start_run(client, po, "tryout")
    assert (old["version"], new["version"]) == (1, 2)
    items = client.get(f"{API}/processes/tryout/runs", headers=po).json["items"]
    assert [(i["id"], i["version"], i["status"]) for i in items] == [
        (new["id"], 2, "running"),
        (old["id"], 1, "running"),
    ]
    assert [t["bpmn_id"] for t in items[0]["open_tasks"]] == ["call"]
    # Without a run id the inbox lists the open tasks of every run.
    assert {t["run_id"] for t in client.get(f"{API}/tasks", headers=po).json["items"]} == {
        old["id"],
        new["id"],
    }
    assert client.get(f"{API}/processes/nope/runs", headers=po).status_code == 404


def test_drafts_unknown_versions_and_undeployed_processes_do_not_run(client, po):
    upload(client, po, tryout())  # stored as a draft, never deployed
    assert start_run(client, po, "tryout", expect=422)["errors"]["version"]
    assert start_run(client, po, "tryout", version=1, expect=422)["errors"]["version"]
    assert start_run(client, po, "tryout", version=7, expect=404)
    assert start_run(client, po, "nope", expect=404)
    deploy(client, po, "tryout", 1)
    upload(client, po, tryout(extra_step=True))  # version 2: a draft again
    assert start_run(client, po, "tryout", version=2, expect=422)
    assert start_run(client, po, "tryout")["version"] == 1


def test_case_managers_neither_start_nor_see_runs_and_process_owners_not_case_tasks(client, po, login):
    cm, coordinator = login("cm-borchen"), login("coordinator")
    upload_and_deploy(client, po, tryout(), "tryout")
    run = start_run(client, po, "tryout")
    (call,) = run_tasks(client, po, run["id"])
    case = open_case(client, cm)
    (case_task,) = ready(client, cm, case["id"])

    assert client.post(f"{API}/processes/tryout/runs", json={}, headers=cm).status_code == 403
    assert client.get(f"{API}/processes/tryout/runs", headers=cm).status_code == 403
    assert run_tasks(client, cm, run["id"]) == []
    assert call["id"] not in [
        t["id"] for t in client.get(f"{API}/tasks?per_page=100", headers=cm).json["items"]
    ]
    assert client.get(f"{API}/tasks/{call['id']}", headers=cm).status_code == 404
    assert finish(client, cm, call["id"], {}, expect=404)
    # Coordinators list only the case tasks of their lane: none of a test run's.
    r = client.get(f"{API}/tasks?run_id={run['id']}", headers=coordinator)
    assert r.status_code == 200 and r.json["items"] == []
    assert client.get(f"{API}/tasks/{call['id']}", headers=coordinator).status_code == 404

    # The process owner sees no case task and cannot touch one.
    assert case_task["id"] not in [
        t["id"] for t in client.get(f"{API}/tasks?per_page=100", headers=po).json["items"]
    ]
    assert client.get(f"{API}/tasks?case_id={case['id']}", headers=po).json["items"] == []
    assert client.get(f"{API}/tasks/{case_task['id']}", headers=po).status_code == 404
    assert finish(client, po, case_task["id"], d.FIRST_CONTACT, expect=404)
    assert ready(client, cm, case["id"])[0]["id"] == case_task["id"]  # untouched


def test_a_timer_in_a_run_fires_and_its_next_task_reaches_the_owner(app, client, po):
    timed = tryout("timed").replace(
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>',
        '<bpmn:intermediateCatchEvent id="wait" name="Eine Woche warten"><bpmn:timerEventDefinition>'
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P7D</bpmn:timeDuration>'
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="wait"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="wait" targetRef="call"/>',
    )
    upload_and_deploy(client, po, timed, "timed")
    run = start_run(client, po, "timed")
    assert run["open_tasks"] == []
    try:
        clock.travel_to(clock.utcnow() + timedelta(days=8))
        outcomes = run_due(app.extensions["kim"]["sessions"], owner="test", policy=TimerPolicy())
    finally:
        clock.reset()
    assert [o.status for o in outcomes] == ["fired"]
    assert [t["bpmn_id"] for t in run_tasks(client, po, run["id"])] == ["call"]


def test_a_draft_that_would_run_code_can_neither_be_deployed_nor_run(app, client, po, login):
    marker = Path(f"/tmp/pwned-{uuid.uuid4().hex}")
    stored = upload(client, po, unsafe_lifecycle(str(marker)))
    assert stored["status"] == "draft" and stored["deployable"] is False
    flagged = [p["element_id"] for p in stored["problems"]]
    assert sorted(flagged) == ["gw_continue", "gw_route", "gw_route"], stored[
        "problems"
    ]  # the deciding gateways
    version = stored["version"]

    refused = deploy(client, po, "case_lifecycle", version, expect=422)
    assert refused["problems"]
    assert start_run(client, po, "case_lifecycle", version=version, expect=422)
    r = client.post(
        f"{API}/processes/case_lifecycle/migrations",
        headers=po,
        json={"to_version": version, "dry_run": False},
    )
    assert r.status_code == 422
    assert (
        client.post(
            f"{API}/processes/case_lifecycle/rollback", json={"version": version}, headers=po
        ).status_code
        == 422
    )

    # Cases keep starting and running on the deployed version, through both gateways.
    cm = login("cm-borchen")
    case = open_case(client, cm)
    for bpmn_id, data in [
        ("first_contact", d.FIRST_CONTACT),
        ("consent", d.CONSENT_YES),
        ("assessment", d.ASSESS_REFERRAL),
    ]:
        (task,) = [t for t in ready(client, cm, case["id"]) if t["bpmn_id"] == bpmn_id]
        assert finish(client, cm, task["id"], data)
    assert [t["bpmn_id"] for t in ready(client, cm, case["id"])] == ["referral"]
    run = start_run(client, po, "case_lifecycle")
    assert run["version"] == 1
    assert not marker.exists()
