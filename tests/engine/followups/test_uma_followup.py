"""The UmA job follow-up end to end over the API, travelling in time instead of sleeping."""

from datetime import UTC, datetime

import pytest

from engine import clock
from engine.timers.jobs import run_due
from engine.timers.policy import TimerPolicy
from tests.api.helpers import complete, open_case, ready


@pytest.fixture(autouse=True)
def _real_clock():
    yield
    clock.reset()


def _fire(app):
    return run_due(app.extensions["kim"]["sessions"], owner="test", policy=TimerPolicy())


FOLLOW_UP_TASKS = {"coordination_talk", "job_start", "checkin", "six_month_followup", "reengage"}


def _followup_tasks(client, headers, case_id):
    return [t for t in ready(client, headers, case_id) if t["bpmn_id"] in FOLLOW_UP_TASKS]


def _travel(day: str, hour: int = 9):
    clock.travel_to(datetime.fromisoformat(day).replace(hour=hour, tzinfo=clock.BERLIN).astimezone(UTC))


def test_uma_follow_up_from_job_start_to_re_engagement(app, client, login):
    uma, coord = login("cm-uma"), login("coordinator")
    _travel("2025-01-20")
    case = open_case(client, uma, municipality="Bad Lippspringe", given_name="Samir", family_name="Azizi")
    r = client.post(f"/api/v1/cases/{case['id']}/followups", headers=uma)
    assert r.status_code == 201, r.json
    assert client.post(f"/api/v1/cases/{case['id']}/followups", headers=uma).status_code == 409
    complete(
        client,
        uma,
        case["id"],
        "coordination_talk",
        {"talk_date": "2025-01-20", "responsible": "joint", "responsible_person": "Frau Berger (UmA-Hilfe)"},
    )
    complete(
        client,
        uma,
        case["id"],
        "job_start",
        {"placement_kind": "training", "employer": "Tischlerei Müller", "start_date": "2025-01-31"},
    )

    overview = client.get("/api/v1/followups?within_days=366", headers=uma).json
    (item,) = overview["items"]
    assert item["due_date"] == "2025-07-31" and item["state"] == "scheduled"
    assert item["client_name"] == "Samir Azizi"

    _travel("2025-02-27")
    _fire(app)
    assert [t for t in ready(client, uma, case["id"]) if t["bpmn_id"] == "checkin"] == []
    _travel("2025-02-28", 0)  # first check-in: one calendar month after 31 Jan
    _travel("2025-02-28", 1)
    assert {o.status for o in _fire(app)} == {"fired"}
    checkins = [t for t in ready(client, uma, case["id"]) if t["bpmn_id"] == "checkin"]
    assert len(checkins) == 1
    complete(client, uma, case["id"], "checkin", {"contact_date": "2025-02-28", "status": "stable"})

    _travel("2025-07-31", 8)  # a scheduler outage since March: every missed check-in comes once
    _fire(app)
    tasks = _followup_tasks(client, uma, case["id"])
    assert sorted(t["bpmn_id"] for t in tasks) == ["checkin"] * 4 + ["six_month_followup"]
    assert _fire(app) == []  # nothing twice
    (followup_task,) = [t for t in tasks if t["bpmn_id"] == "six_month_followup"]
    assert followup_task["due"].startswith("2025-08-14")
    due = client.get("/api/v1/followups?within_days=0", headers=coord).json
    assert due["counts"]["due"] == 1 and due["items"][0]["client_name"] is None

    _travel("2025-08-20")
    assert client.get("/api/v1/followups?within_days=0", headers=coord).json["items"][0]["state"] == "overdue"
    overdue = client.get("/api/v1/tasks?overdue=true", headers=uma).json["items"]
    # Check-ins created late after the outage are due a week after their own date: overdue too,
    # earliest due first.
    assert [t["bpmn_id"] for t in overdue] == ["checkin"] * 4 + ["six_month_followup"]
    assert all(t["overdue"] for t in overdue) and overdue[0]["due"].startswith("2025-04-07")
    complete(
        client,
        uma,
        case["id"],
        "six_month_followup",
        {"followup_date": "2025-08-20", "outcome": "ended", "end_reason": "Ausbildung abgebrochen"},
    )
    tasks = _followup_tasks(client, uma, case["id"])
    # Open check-ins stay open when the follow-up completes; re-engagement starts.
    assert sorted(t["bpmn_id"] for t in tasks) == ["checkin"] * 4 + ["reengage"]
    done = client.get("/api/v1/followups?include=done", headers=coord).json
    assert done["counts"]["outcomes"] == {"still_employed": 0, "ended": 1}
    assert "Azizi" not in str(done) and "Samir" not in str(done)
    by_team = client.get("/api/v1/followups?include=done&team=uma", headers=coord).json
    assert len(by_team["items"]) == 1
    other = client.get("/api/v1/followups?include=done&municipality=Borchen", headers=coord).json
    assert other["items"] == []
    # A case manager of another municipality sees none of it.
    assert client.get("/api/v1/followups?include=done", headers=login("cm-borchen")).json["items"] == []


def test_follow_up_overview_rejects_bad_parameters(client, login):
    coord = login("coordinator")
    assert client.get("/api/v1/followups?within_days=-1", headers=coord).status_code == 422
    assert client.get("/api/v1/followups?include=everything", headers=coord).status_code == 422
    r = client.get("/api/v1/followups?team=nope", headers=coord)  # an unknown team matches nothing
    assert r.status_code == 200 and r.json["items"] == []


def test_evaluations_fall_due_on_the_agreed_rhythm(client, login):
    from tests import lifecycle_data as d
    from tests.api.helpers import run_to_evaluation

    cm = login("cm-borchen")
    now = clock.utcnow()
    case = open_case(client, cm)
    run_to_evaluation(client, cm, case["id"])
    (evaluation,) = ready(client, cm, case["id"])
    due = datetime.fromisoformat(evaluation["due"])
    assert 8 * 7 - 1 <= (due - now).days <= 8 * 7  # GOALS agree on every 8 weeks
    assert d.GOALS["review_interval_weeks"] == 8
