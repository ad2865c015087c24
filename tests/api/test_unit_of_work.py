"""One unit of work per request: one transaction, committed once at the end, rolled back whole on error."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import event

from api.web import pages
from engine.errors import Conflict
from engine.tasks import assign
from tests.api.helpers import open_case, ready
from tests.web.helpers import csrf_from, submit_login, web_login

REFUSED = "Diese Aufgabe kann gerade nicht übernommen werden (Test)."


def _audit_rows(db) -> int:
    return db.rows("SELECT count(*) FROM audit_log")[0][0]


class Recorder:
    """The app engine's transaction events and statements, in order."""

    def __init__(self, engine):
        self.engine, self.log = engine, []
        self._fns = {
            name: (lambda *_a, _n=name: self.log.append(_n)) for name in ("begin", "commit", "rollback")
        }
        self._fns["before_cursor_execute"] = lambda _c, _cur, statement, *_a: self.log.append(statement)

    def __enter__(self):
        for name, fn in self._fns.items():
            event.listen(self.engine, name, fn)
        return self

    def __exit__(self, *_exc):
        for name, fn in self._fns.items():
            event.remove(self.engine, name, fn)

    def events(self) -> list[str]:
        return [e for e in self.log if e in ("begin", "commit", "rollback")]


@pytest.fixture
def recorder(app):
    return Recorder(app.extensions["kim"]["engine"])


@pytest.fixture
def failing_routes(app):
    """Test-only routes that run a real audited read or a real web action, then fail."""
    views = app.view_functions

    @app.get("/api/v1/test-only/case-then-conflict/<int:case_id>", endpoint="test_case_then_conflict")
    def case_then_conflict(case_id):
        views["cases.get_case"](case_id=case_id)  # the API's case read: writes its audit row
        raise Conflict("Test: Fehler nach dem Lesen.")

    @app.get("/api/v1/test-only/case-page-then-crash/<int:case_id>", endpoint="test_case_page_then_crash")
    def case_page_then_crash(case_id):
        views["casepages.case"](case_id=case_id)  # the web case page: writes its audit rows
        raise RuntimeError("crash after the page was rendered")

    def claim_then_refuse(session, *, user, task_id):
        assign.claim(session, user=user, task_id=task_id)  # assigns the task and writes an audit row
        raise Conflict(REFUSED)

    @app.post("/test-only/tasks/<task_id>/claim-then-refuse", endpoint="test_claim_then_refuse")
    def claim_then_refuse_view(task_id):
        return pages._change(claim_then_refuse, "claimed", task_id=task_id)  # the home page's actions


def test_an_api_error_after_the_audit_row_rolls_the_row_back(failing_routes, client, login, db):
    cm = login("cm-borchen")
    case = open_case(client, cm)
    before = _audit_rows(db)
    r = client.get(f"/api/v1/test-only/case-then-conflict/{case['id']}", headers=cm)
    assert r.status_code == 409 and r.json["detail"] == "Test: Fehler nach dem Lesen."
    assert _audit_rows(db) == before
    assert client.get(f"/api/v1/cases/{case['id']}", headers=cm).status_code == 200
    assert _audit_rows(db) == before + 1  # the same read without the error keeps its row


def test_a_crash_after_the_web_case_page_rolls_its_audit_rows_back(failing_routes, client, login, db):
    cm = login("cm-borchen")
    case = open_case(client, cm)
    before = _audit_rows(db)
    r = client.get(f"/api/v1/test-only/case-page-then-crash/{case['id']}", headers=cm)
    assert r.status_code == 500 and "nichts gespeichert" in r.json["detail"]
    assert _audit_rows(db) == before


def test_the_web_case_page_is_one_transaction_committed_once_at_the_end(client, login, recorder, db):
    case = open_case(client, login("cm-borchen"))
    web_login(client)
    before = _audit_rows(db)
    with recorder:
        r = client.get(f"/cases/{case['id']}")
    assert r.status_code == 200
    assert recorder.events() == ["begin", "commit"]
    assert recorder.log[-1] == "commit"  # no statement after the commit, none committed before
    if db.is_sqlite:  # the request holds the write lock from its first statement
        assert [s for s in recorder.log if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE"]
    assert _audit_rows(db) > before  # its readings are recorded


def test_a_failing_web_action_saves_nothing_and_keeps_its_message(failing_routes, client, login, db):
    cm = login("cm-borchen")
    case = open_case(client, cm)
    (task,) = ready(client, cm, case["id"])
    csrf = web_login(client)
    before = _audit_rows(db)
    r = client.post(f"/test-only/tasks/{task['id']}/claim-then-refuse", data={"csrf_token": csrf})
    assert r.status_code == 303 and r.headers["Location"].endswith("/")
    assert _audit_rows(db) == before
    assert db.rows("SELECT assignee_id FROM tasks WHERE id = :id", id=task["id"]) == [(None,)]
    assert REFUSED in html.unescape(client.get("/").text)  # the flash message survived the rollback


def test_a_refused_api_login_still_counts_towards_the_lockout(client, db):
    r = client.post("/api/v1/auth/token", json={"username": "cm-borchen", "password": "wrong"})
    assert r.status_code == 401
    assert db.rows("SELECT failed_logins FROM users WHERE username = 'cm-borchen'") == [(1,)]


def test_a_refused_web_login_still_counts_towards_the_lockout(client, db):
    r = submit_login(client, "cm-borchen", "wrong")
    assert r.status_code == 200 and "falsch" in r.text
    assert db.rows("SELECT failed_logins FROM users WHERE username = 'cm-borchen'") == [(1,)]
    assert csrf_from(client.get("/login").text)  # the login page still works afterwards


def test_health_and_static_files_open_no_transaction_and_readiness_only_reads(client, recorder, db):
    with recorder:
        assert client.get("/api/v1/health").status_code == 200
        assert client.get("/static/kim.css").status_code == 200
    assert recorder.log == []
    with recorder:
        assert client.get("/api/v1/ready").status_code == 200
    assert recorder.events()[0] == "begin"
    assert not any(s.startswith("BEGIN IMMEDIATE") for s in recorder.log if isinstance(s, str))
