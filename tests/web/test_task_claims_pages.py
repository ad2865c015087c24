"""The task page of a task a colleague holds, with the Flask test client: completing and saving a draft
are refused (the holder's draft stays theirs), the take-over goes through its confirmation page."""

from __future__ import annotations

from engine.tasks.models import TaskDraft
from tests import lifecycle_data as d
from tests.api.helpers import open_case, ready

from .helpers import web_login
from .test_task_form import form_fields

HOLDER = "Case-Manager Borchen (Vertretung)"


def _held_task(client, login) -> str:
    cm, cm2 = login("cm-borchen"), login("cm-borchen-2")
    case = open_case(client, cm)
    (task,) = [t for t in ready(client, cm, case["id"]) if t["bpmn_id"] == "first_contact"]
    assert client.post(f"/api/v1/tasks/{task['id']}/claim", headers=cm2).status_code == 200
    return task["id"]


def test_completing_or_saving_a_draft_of_a_colleagues_task_is_refused(app, client, login):
    task_id = _held_task(client, login)
    csrf = web_login(client, "cm-borchen")
    page = client.get(f"/tasks/{task_id}").text
    assert f"Bearbeitet von {HOLDER}" in page and "Aufgabe übernehmen" in page
    assert 'value="complete" disabled' in page and 'value="draft" disabled' in page
    for action in ("complete", "draft"):
        data = {**form_fields(d.FIRST_CONTACT), "csrf_token": csrf, "_action": action}
        r = client.post(f"/tasks/{task_id}", data=data)
        assert r.status_code == 409 and HOLDER in r.text and "zuerst übernehmen" in r.text
        assert ">Arbeit und Wohnung</textarea>" in r.text  # what was typed stays
    with app.extensions["kim"]["sessions"]() as s:
        assert s.get(TaskDraft, task_id) is None
    still = client.get(f"/api/v1/tasks/{task_id}", headers=login("cm-borchen")).json
    assert still["status"] == "ready" and still["assignee"] == "cm-borchen-2"


def test_the_take_over_is_confirmed_first(app, client, login):
    task_id = _held_task(client, login)
    csrf = web_login(client, "cm-borchen")
    confirm = client.get(f"/tasks/{task_id}/take-over")
    assert confirm.status_code == 200
    assert (
        "Aufgabe übernehmen?" in confirm.text and HOLDER in confirm.text and "im Fallverlauf" in confirm.text
    )
    assert client.post(f"/tasks/{task_id}/take-over").status_code == 403  # no CSRF token: nothing happens
    r = client.post(f"/tasks/{task_id}/take-over", data={"csrf_token": csrf})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/tasks/{task_id}")
    page = client.get(f"/tasks/{task_id}").text
    assert "Sie bearbeiten die Aufgabe jetzt." in page and "Bearbeitet von Ihnen" in page
    assert 'value="complete" disabled' not in page
    # Nothing to confirm any more: back to the task.
    assert client.get(f"/tasks/{task_id}/take-over").status_code == 303
    # Another municipality's case manager finds no such task.
    other = app.test_client()
    web_login(other, "cm-delbrueck")
    assert other.get(f"/tasks/{task_id}/take-over").status_code == 404
