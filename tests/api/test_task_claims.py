"""Claims are respected: a task a colleague holds is completed only after an explicit take-over, which is
audited and written into the case history (so the previous holder reads who has it now)."""

from __future__ import annotations

from sqlalchemy import select

from engine.audit.models import AuditEntry
from engine.tasks.models import TaskRecord
from tests import lifecycle_data as d
from tests.api.helpers import open_case, ready

API = "/api/v1"


def _first_contact(client, headers, case_id) -> str:
    (task,) = [t for t in ready(client, headers, case_id) if t["bpmn_id"] == "first_contact"]
    return task["id"]


def _audit(app, task_id) -> list[tuple[str, dict]]:
    with app.extensions["kim"]["sessions"]() as s:
        rows = s.execute(
            select(AuditEntry.action, AuditEntry.detail)
            .where(AuditEntry.object_id == task_id)
            .order_by(AuditEntry.id)
        ).all()
    return [(a, dt or {}) for a, dt in rows]


def _task(app, task_id) -> TaskRecord:
    with app.extensions["kim"]["sessions"]() as s:
        row = s.get(TaskRecord, task_id)
        s.expunge(row)
    return row


def test_completing_a_task_a_colleague_holds_is_refused_until_taken_over(app, client, login):
    cm, cm2 = login("cm-borchen"), login("cm-borchen-2")
    case = open_case(client, cm)
    task_id = _first_contact(client, cm, case["id"])
    r = client.post(f"{API}/tasks/{task_id}/claim", headers=cm2)
    assert r.status_code == 200 and r.json["assignee"] == "cm-borchen-2"
    assert client.get(f"{API}/tasks/{task_id}", headers=cm).json["assignee"] == "cm-borchen-2"

    # Completing (and saving a draft over the holder's) is refused, naming the holder; nothing is saved.
    r = client.post(f"{API}/tasks/{task_id}/complete", json={"data": d.FIRST_CONTACT}, headers=cm)
    assert r.status_code == 409, r.json
    assert r.json["type"].endswith("/task-claimed-by-other")
    assert r.json["holder"] == "cm-borchen-2"
    assert "Case-Manager Borchen (Vertretung)" in r.json["detail"] and "übernehmen" in r.json["detail"]
    row = _task(app, task_id)
    assert row.status == "ready" and row.assignee_id is not None and row.completed_at is None
    assert "task.complete" not in [a for a, _ in _audit(app, task_id)]
    case_now = client.get(f"{API}/cases/{case['id']}", headers=cm).json
    assert [h for h in case_now["history"] if h["task_id"] == task_id] == []

    # The holder can complete it; the colleague takes it over explicitly first.
    r = client.post(f"{API}/tasks/{task_id}/take-over", headers=cm)
    assert r.status_code == 200 and r.json["assignee"] == "cm-borchen"
    actions = _audit(app, task_id)
    assert actions[-1] == (
        "task.take_over",
        {"bpmn_id": "first_contact", "assignee": "cm-borchen", "previous": "cm-borchen-2"},
    )
    # The previous holder reads it in the case history.
    history = client.get(f"{API}/cases/{case['id']}/history", headers=cm2).json["items"]
    (line,) = [h for h in history if h["task_id"] == task_id]
    by, before = "Case-Managerin Borchen", "Case-Manager Borchen (Vertretung)"
    assert line["title"] == f"Erstgespräch: Aufgabe übernommen von {by} (vorher {before})"
    assert line["state_label"] == "Zuständigkeit gewechselt" and line["readable"] is True
    assert line["bpmn_id"] is None and line["data"] is None

    # Now the previous holder is refused, and the new one completes it.
    r = client.post(f"{API}/tasks/{task_id}/complete", json={"data": d.FIRST_CONTACT}, headers=cm2)
    assert r.status_code == 409 and r.json["holder"] == "cm-borchen"
    r = client.post(f"{API}/tasks/{task_id}/complete", json={"data": d.FIRST_CONTACT}, headers=cm)
    assert r.status_code == 200, r.json
    assert _task(app, task_id).status == "completed"


def test_take_over_of_an_unclaimed_or_own_task(app, client, login):
    cm = login("cm-borchen")
    case = open_case(client, cm)
    task_id = _first_contact(client, cm, case["id"])
    # Unclaimed: the take-over is a claim (no history line: nobody's work changed hands).
    r = client.post(f"{API}/tasks/{task_id}/take-over", headers=cm)
    assert r.status_code == 200 and r.json["assignee"] == "cm-borchen"
    assert [a for a, _ in _audit(app, task_id)][-1] == "task.claim"
    # Own: nothing changes, nothing is recorded.
    before = _audit(app, task_id)
    r = client.post(f"{API}/tasks/{task_id}/take-over", headers=cm)
    assert r.status_code == 200 and r.json["assignee"] == "cm-borchen"
    assert _audit(app, task_id) == before
    history = client.get(f"{API}/cases/{case['id']}/history", headers=cm).json["items"]
    assert not [h for h in history if h["kind"] == "Task Take-over"]
    # A done task cannot be taken over.
    assert (
        client.post(f"{API}/tasks/{task_id}/complete", json={"data": d.FIRST_CONTACT}, headers=cm).status_code
        == 200
    )
    r = client.post(f"{API}/tasks/{task_id}/take-over", headers=cm)
    assert r.status_code == 409 and r.json["type"].endswith("/task-already-done")


def test_take_over_outside_the_scope_or_by_other_roles(app, client, login):
    cm = login("cm-borchen")
    case = open_case(client, cm)
    task_id = _first_contact(client, cm, case["id"])
    client.post(f"{API}/tasks/{task_id}/claim", headers=cm)
    for username, status in (("cm-delbrueck", 404), ("cm-uma", 404), ("coordinator", 403)):
        r = client.post(f"{API}/tasks/{task_id}/take-over", headers=login(username))
        assert r.status_code == status, (username, r.json)
    r = client.post(f"{API}/tasks/00000000-0000-0000-0000-000000000000/take-over", headers=cm)
    assert r.status_code == 404
    assert client.get(f"{API}/tasks/{task_id}", headers=cm).json["assignee"] == "cm-borchen"
    assert [a for a, _ in _audit(app, task_id)].count("task.take_over") == 0
