"""Reopening a case closed by mistake over the REST API: who, when, with which reason, and what follows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import clock
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case, ready, run_to_evaluation

API = "/api/v1"
REASON = "Einwilligung versehentlich als verweigert erfasst"


@pytest.fixture
def travel():
    yield clock.advance
    clock.reset()


def _closed_without_consent(client, h) -> dict:
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    out = complete(client, h, case["id"], "consent", d.CONSENT_NO)
    assert out["case"]["status"] == "closed"
    return case


def _closed_after_accompaniment(client, h) -> dict:
    case = open_case(client, h)
    run_to_evaluation(client, h, case["id"])
    complete(client, h, case["id"], "evaluation", d.evaluation(False))
    complete(client, h, case["id"], "final_evaluation", d.FINAL)
    complete(client, h, case["id"], "closure", d.CLOSURE_GOALS_MET)
    return case


def _reopen(client, h, case_id, reason=REASON):
    body = {} if reason is None else {"reason": reason}
    return client.post(f"{API}/cases/{case_id}/reopen", json=body, headers=h)


def _closures(db, case_id) -> list[tuple]:
    return db.rows(
        "SELECT kind, code FROM programme_events WHERE case_id = :c AND kind = 'closure'", c=case_id
    )


def test_reopen_after_no_consent_continues_at_the_consent_task(client, login, db):
    h = login("cm-borchen")
    case = _closed_without_consent(client, h)
    assert _closures(db, case["id"]) == [("closure", "no_consent")]
    r = _reopen(client, h, case["id"])
    assert r.status_code == 200, r.json
    assert r.json["status"] == "open" and r.json["closed_at"] is None and r.json["closure_reason"] is None
    assert [t["bpmn_id"] for t in r.json["open_tasks"]] == ["consent"]
    assert [t["bpmn_id"] for t in ready(client, h, case["id"])] == ["consent"]
    # The figures no longer count the closure; the person supported still counts once.
    assert _closures(db, case["id"]) == []
    kinds = db.rows("SELECT kind FROM programme_events WHERE case_id = :c", c=case["id"])
    assert kinds == [("persons_supported",)]
    # The history says so (once), and the reopened task is the only new line.
    hist = client.get(f"{API}/cases/{case['id']}/history?per_page=100", headers=h).json["items"]
    assert [e["name"] for e in hist].count("Fall wieder geöffnet") == 1
    assert hist[-1]["name"] == "Fall wieder geöffnet" and hist[-1]["data"]["reason"] == REASON
    assert [e["bpmn_id"] for e in hist if e["data"] is not None].count("consent") == 1
    # The audit trail holds the reason and who reopened it.
    rows = db.rows("SELECT action, reason, case_id FROM audit_log WHERE action = 'case.reopen'")
    assert rows == [("case.reopen", REASON, case["id"])]
    # Now with consent the case goes on as any other; a later closure counts once.
    out = complete(client, h, case["id"], "consent", d.CONSENT_YES)
    assert out["case"]["status"] == "open" and [t["bpmn_id"] for t in out["next_tasks"]] == ["assessment"]
    complete(client, h, case["id"], "assessment", d.ASSESS_REFERRAL)
    complete(client, h, case["id"], "referral", d.REFERRAL)
    out = complete(client, h, case["id"], "closure", d.CLOSURE_REFERRED)
    assert out["case"]["status"] == "closed" and out["case"]["closure_reason"] == "referred"
    assert _closures(db, case["id"]) == [("closure", "referred")]


def test_reopen_after_closure_continues_at_the_closure_task(client, login, db):
    h = login("cm-borchen")
    case = _closed_after_accompaniment(client, h)
    r = _reopen(client, h, case["id"])
    assert r.status_code == 200, r.json
    assert r.json["status"] == "open" and r.json["route"] == "accompaniment"
    assert [t["bpmn_id"] for t in r.json["open_tasks"]] == ["closure"]
    assert _closures(db, case["id"]) == []
    assert db.rows(
        "SELECT count(*) FROM programme_events WHERE case_id = :c AND kind = 'goals_met'", c=case["id"]
    ) == [(1,)]
    # Consent can be withdrawn again (the case work waits for it again), and the case closes for good.
    assert client.post(f"{API}/cases/{case['id']}/consent-withdrawal", headers=h).status_code == 200
    detail = client.get(f"{API}/cases/{case['id']}", headers=h).json
    assert detail["status"] == "closed" and detail["closure_reason"] == "consent_withdrawn"
    r = _reopen(client, h, case["id"])
    assert r.status_code == 409 and r.json["type"].endswith("/case-not-reopenable")


def test_reopen_needs_a_reason(client, login, db):
    h = login("cm-borchen")
    case = _closed_without_consent(client, h)
    r = _reopen(client, h, case["id"], None)
    assert r.status_code == 422 and r.json["errors"]["reason"] == ["Pflichtfeld: bitte ausfüllen."]
    r = _reopen(client, h, case["id"], "")
    assert r.status_code == 422 and "reason" in r.json["errors"]
    r = _reopen(client, h, case["id"], "   ")
    assert r.status_code == 422 and r.json["errors"]["reason"] == ["Bitte einen Grund angeben."]
    assert client.get(f"{API}/cases/{case['id']}", headers=h).json["status"] == "closed"
    assert db.rows("SELECT count(*) FROM audit_log WHERE action = 'case.reopen'") == [(0,)]


def test_reopen_twice_or_an_open_case_is_a_conflict(client, login):
    h = login("cm-borchen")
    fresh = open_case(client, h)
    r = _reopen(client, h, fresh["id"])
    assert r.status_code == 409 and r.json["type"].endswith("/case-open")
    assert "nicht abgeschlossen" in r.json["detail"]
    case = _closed_without_consent(client, h)
    assert _reopen(client, h, case["id"]).status_code == 200
    r = _reopen(client, h, case["id"])
    assert r.status_code == 409 and r.json["type"].endswith("/case-open")
    assert [t["bpmn_id"] for t in ready(client, h, case["id"])] == ["consent"]


def test_reopen_within_the_period_only(client, login, db, travel):
    h = login("cm-borchen")
    case = _closed_without_consent(client, h)
    travel(timedelta(days=29, hours=23))
    h = login("cm-borchen")
    inside = _closed_without_consent(client, h)
    travel(timedelta(hours=2))  # the first case's 30 days are over, the second's are not
    h = login("cm-borchen")
    r = _reopen(client, h, case["id"])
    assert r.status_code == 409 and r.json["type"].endswith("/reopen-period-over")
    assert "Frist" in r.json["detail"] and "möglich bis" in r.json["detail"]
    assert client.get(f"{API}/cases/{case['id']}", headers=h).json["status"] == "closed"
    assert _reopen(client, h, inside["id"]).status_code == 200
    # The period is the tenant's: a county with 60 days lets the first one be reopened too.
    db.execute("UPDATE tenants SET reopen_days = 60")
    assert _reopen(client, h, case["id"]).status_code == 200


def test_only_the_case_manager_of_the_case_reopens(client, login, db):
    h = login("cm-borchen")
    case = _closed_without_consent(client, h)
    # Another municipality's case manager: as if the case did not exist.
    r = _reopen(client, login("cm-delbrueck"), case["id"])
    assert r.status_code == 404
    # In scope, but no longer the case's case manager (the case was handed over): refused, and said why.
    db.execute("UPDATE cases SET case_manager_id = (SELECT id FROM users WHERE username = 'cm-uma')")
    r = _reopen(client, h, case["id"])
    assert r.status_code == 403 and "fallführende" in r.json["detail"]
    for role in ("coordinator", "steering", "dpo", "abh", "jobcenter", "process-owner", "admin"):
        r = _reopen(client, login(role), case["id"])
        assert r.status_code == 403, (role, r.status_code)
        assert r.mimetype == "application/problem+json"
    assert client.get(f"{API}/cases/{case['id']}", headers=h).json["status"] == "closed"
