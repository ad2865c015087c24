"""Parallel clients on the real server: different tasks of one instance at the same moment.

Each completion loads the instance's state, moves it and saves it. Without a lock on the instance
row two workers would each save a state that lacks the other's step (a lost update); with it
they queue (SELECT ... FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite).
"""

from __future__ import annotations

import threading
from datetime import date

import requests
from dateutil.relativedelta import relativedelta

from tests import lifecycle_data as d
from tests.conftest import LiveServer

FOLLOW_UP = {"checkin", "six_month_followup"}


def _ready(server, h, case_id) -> list[dict]:
    r = requests.get(f"{server.url}/tasks", params={"case_id": case_id}, headers=h, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def _complete(server, h, task_id, data) -> requests.Response:
    return requests.post(f"{server.url}/tasks/{task_id}/complete", json={"data": data}, headers=h, timeout=60)


def _case_with_parallel_tasks(server, h) -> int:
    r = requests.post(
        server.url + "/cases",
        headers=h,
        timeout=30,
        json={
            "municipality": "bad-lippspringe",
            "client": {"given_name": "Parallel", "family_name": "Azizi"},
        },
    )
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    started = (date.today() - relativedelta(months=7)).isoformat()
    steps = [
        ("first_contact", d.FIRST_CONTACT),
        ("consent", d.CONSENT_YES),
    ]
    for bpmn_id, data in steps:  # a follow-up needs the case's consent
        (task,) = [t for t in _ready(server, h, case_id) if t["bpmn_id"] == bpmn_id]
        assert _complete(server, h, task["id"], data).status_code == 200
    assert requests.post(f"{server.url}/cases/{case_id}/followups", headers=h).status_code == 201
    steps = [
        (
            "coordination_talk",
            {"talk_date": started, "responsible": "joint", "responsible_person": "Frau Berger (UmA-Hilfe)"},
        ),
        ("job_start", {"placement_kind": "training", "employer": "Tischlerei", "start_date": started}),
    ]
    for bpmn_id, data in steps:
        (task,) = [t for t in _ready(server, h, case_id) if t["bpmn_id"] == bpmn_id]
        assert _complete(server, h, task["id"], data).status_code == 200
    # The start lies seven months back: the latest month's check-in (months long gone are not
    # created) and the six-month follow-up are ready side by side.
    for _ in range(300):
        tasks = [t for t in _ready(server, h, case_id) if t["bpmn_id"] in FOLLOW_UP]
        if len(tasks) == 2:
            return case_id
        threading.Event().wait(0.1)
    raise AssertionError(f"expected 2 follow-up tasks, got {tasks}")


def test_parallel_tasks_of_one_instance_completed_at_once_lose_nothing(db):
    server = LiveServer(db, workers=3).start()
    try:
        h = server.token("cm-uma")
        case_id = _case_with_parallel_tasks(server, h)
        tasks = [t for t in _ready(server, h, case_id) if t["bpmn_id"] in FOLLOW_UP]
        today = date.today().isoformat()
        data = {
            "checkin": {"contact_date": today, "status": "stable"},
            "six_month_followup": {"followup_date": today, "outcome": "still_employed"},
        }
        barrier, codes = threading.Barrier(len(tasks)), {}

        def go(task):
            barrier.wait()
            codes[task["id"]] = _complete(server, h, task["id"], data[task["bpmn_id"]]).status_code

        threads = [threading.Thread(target=go, args=(t,)) for t in tasks]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert list(codes.values()) == [200] * 2, codes
        assert [t for t in _ready(server, h, case_id) if t["bpmn_id"] in FOLLOW_UP] == []
    finally:
        server.stop()
    # Every step is in the state: with all branches done the follow-up instance has ended.
    # A lost update would leave a check-in ready in the saved state and the instance running.
    ((status,),) = db.rows(
        "SELECT status FROM process_instances WHERE case_id = :c AND process_id = 'uma_job_followup'",
        c=case_id,
    )
    assert status == "completed"
    per_task = db.rows(
        "SELECT task_id, count(*) FROM history WHERE case_id = :c AND bpmn_id IN "
        "('checkin', 'six_month_followup') GROUP BY task_id",
        c=case_id,
    )
    assert len(per_task) == 2 and all(n == 1 for _, n in per_task)
