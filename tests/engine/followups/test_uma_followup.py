"""The UmA job follow-up end to end over the API, travelling in time instead of sleeping."""

from datetime import datetime

import pytest

from engine import clock
from tests import lifecycle_data as d
from tests.api.helpers import complete, give_consent, open_case, ready
from tests.engine.followups.helpers import checkin, fire, followup_tasks, start_job, stored, travel


@pytest.fixture(autouse=True)
def _real_clock():
    yield
    clock.reset()


def _checkins(client, headers, case_id):
    return [t for t in ready(client, headers, case_id) if t["bpmn_id"] == "checkin"]


def test_uma_follow_up_from_job_start_to_re_engagement(app, client, login):
    uma, coord = login("cm-uma"), login("coordinator")
    travel("2025-01-20")
    case = open_case(client, uma, municipality="Bad Lippspringe", given_name="Samir", family_name="Azizi")
    give_consent(client, uma, case["id"])
    start_job(client, uma, case["id"], "2025-01-31", talk_date="2025-01-20")
    assert client.post(f"/api/v1/cases/{case['id']}/followups", headers=uma).status_code == 409

    overview = client.get("/api/v1/followups?within_days=366", headers=uma).json
    (item,) = overview["items"]
    assert item["due_date"] == "2025-07-31" and item["state"] == "scheduled"
    assert item["client_name"] == "Samir Azizi" and item["checkins_planned"] == 5

    travel("2025-02-27")
    fire(app)
    assert _checkins(client, uma, case["id"]) == []
    travel("2025-02-28", 0)  # first check-in: one calendar month after 31 Jan
    travel("2025-02-28", 1)
    assert {o.status for o in fire(app)} == {"fired"}
    (first,) = _checkins(client, uma, case["id"])
    assert first["name"] == "Rückmeldung Februar 2025" and first["due"].startswith("2025-03-07")
    checkin(client, uma, case["id"], "2025-02-28")

    travel("2025-07-31", 8)  # a scheduler outage since March: only June's check-in comes, once
    fire(app)
    tasks = followup_tasks(client, uma, case["id"])
    assert sorted((t["bpmn_id"], t["name"]) for t in tasks) == [
        ("checkin", "Rückmeldung Juni 2025"),
        ("six_month_followup", "Nachverfolgung nach sechs Monaten"),
    ]
    assert fire(app) == []  # nothing twice
    (followup_task,) = [t for t in tasks if t["bpmn_id"] == "six_month_followup"]
    assert followup_task["due"].startswith("2025-08-14")
    # June's check-in was due on 7 July: the follow-up is overdue by that task, for every reader.
    (row,) = client.get("/api/v1/followups?within_days=0", headers=coord).json["items"]
    assert row["state"] == "overdue" and row["client_name"] is None
    assert row["next_task"] == "Rückmeldung Juni 2025" and row["next_due"].startswith("2025-07-07")
    assert (row["checkins_done"], row["checkins_fired"], row["checkins_planned"]) == (1, 2, 5)

    travel("2025-08-20")
    overdue = client.get("/api/v1/tasks?overdue=true", headers=uma).json["items"]
    assert [t["bpmn_id"] for t in overdue] == ["checkin", "six_month_followup"]
    complete(
        client,
        uma,
        case["id"],
        "six_month_followup",
        {"followup_date": "2025-08-20", "outcome": "ended", "end_reason": "Ausbildung abgebrochen"},
    )
    # The job ended: the open check-in is cancelled with the rest, re-engagement starts.
    assert [t["bpmn_id"] for t in followup_tasks(client, uma, case["id"])] == ["reengage"]
    assert ("checkin", "cancelled") in {(b, s) for b, s, _n, _i in stored(app, case["id"])["tasks"]}
    done = client.get("/api/v1/followups?include=done", headers=coord).json
    assert done["counts"]["outcomes"] == {"still_employed": 0, "ended": 1}
    assert "Azizi" not in str(done) and "Samir" not in str(done)
    by_team = client.get("/api/v1/followups?include=done&team=uma", headers=coord).json
    assert len(by_team["items"]) == 1
    other = client.get("/api/v1/followups?include=done&municipality=Borchen", headers=coord).json
    assert other["items"] == []
    # A case manager of another municipality sees none of it.
    assert client.get("/api/v1/followups?include=done", headers=login("cm-borchen")).json["items"] == []


def test_a_follow_up_needs_the_cases_consent(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    url = f"/api/v1/cases/{case['id']}/followups"
    r = client.post(url, headers=h)
    assert r.status_code == 409 and r.json["type"].endswith("/consent-not-given")
    assert "Einwilligung zur Datenverarbeitung" in r.json["detail"]
    complete(client, h, case["id"], "first_contact", d.not_after_today(d.FIRST_CONTACT))
    assert client.post(url, headers=h).status_code == 409  # first contact alone is no consent
    assert ready(client, h, case["id"])[0]["bpmn_id"] == "consent"  # nothing was started
    complete(client, h, case["id"], "consent", d.not_after_today(d.CONSENT_YES))
    assert client.post(f"/api/v1/cases/{case['id']}/consent-withdrawal", headers=h).status_code == 200
    assert client.post(url, headers=h).json["type"].endswith("/case-closed")

    refused = open_case(client, h)
    complete(client, h, refused["id"], "first_contact", d.not_after_today(d.FIRST_CONTACT))
    complete(client, h, refused["id"], "consent", d.not_after_today(d.CONSENT_NO))
    r = client.post(f"/api/v1/cases/{refused['id']}/followups", headers=h)
    assert r.status_code == 409 and r.json["type"].endswith("/case-closed")

    given = open_case(client, h)
    give_consent(client, h, given["id"])
    assert client.post(f"/api/v1/cases/{given['id']}/followups", headers=h).status_code == 201


def test_a_check_in_reporting_the_end_starts_re_engagement_and_cancels_the_rest(app, client, login):
    uma = login("cm-uma")
    travel("2025-01-20")
    case = open_case(client, uma, municipality="Delbrück")
    give_consent(client, uma, case["id"])
    start_job(client, uma, case["id"], "2025-01-31")
    travel("2025-02-28")
    fire(app)
    checkin(client, uma, case["id"], "2025-02-28", "difficulties")
    travel("2025-03-31")
    fire(app)
    out = checkin(client, uma, case["id"], "2025-03-31", "ended")
    assert [t["bpmn_id"] for t in out["next_tasks"]] == ["reengage"]
    held = stored(app, case["id"])
    assert held["timers"] == []  # neither the next check-in nor the six-month date waits any more
    (row,) = held["rows"]
    assert row.outcome == "ended" and row.status == "done"
    assert (row.checkins_done, row.checkins_fired) == (2, 2)
    travel("2025-08-31")
    assert fire(app) == []
    assert [t["bpmn_id"] for t in followup_tasks(client, uma, case["id"])] == ["reengage"]
    # A new follow-up can start at once (the re-engagement is all that is left of the old one) ...
    assert client.post(f"/api/v1/cases/{case['id']}/followups", headers=uma).status_code == 201
    complete(client, uma, case["id"], "reengage", {"new_goal": "Neue Ausbildung suchen"})
    assert set(stored(app, case["id"])["instances"].values()) == {"completed", "running"}
    # ... but not a second one beside a running follow-up.
    assert client.post(f"/api/v1/cases/{case['id']}/followups", headers=uma).status_code == 409


def test_two_not_reached_in_a_row_raise_a_task_for_the_coordinator(app, client, login):
    uma, coord = login("cm-uma"), login("coordinator")
    travel("2025-01-20")
    case = open_case(client, uma, municipality="Delbrück")
    give_consent(client, uma, case["id"])
    start_job(client, uma, case["id"], "2025-01-31")

    def coordinator_tasks():
        items = client.get(f"/api/v1/tasks?case_id={case['id']}", headers=coord).json["items"]
        return [t for t in items if t["bpmn_id"] == "unreached_review"]

    for day, status in (
        ("2025-02-28", "not_reached"),
        ("2025-03-31", "stable"),
        ("2025-04-30", "not_reached"),
    ):
        travel(day)
        fire(app)
        checkin(client, uma, case["id"], day, status)
    assert coordinator_tasks() == []  # never twice in a row so far
    travel("2025-05-31")
    fire(app)
    checkin(client, uma, case["id"], "2025-05-31", "not_reached")
    (task,) = coordinator_tasks()
    assert task["name"] == "Person zweimal nicht erreicht: Vorgehen klären" and task["due"]
    assert all(t["bpmn_id"] != "unreached_review" for t in ready(client, uma, case["id"]))  # not the CM's
    travel("2025-06-30")
    fire(app)  # the check-ins go on meanwhile
    assert [t["name"] for t in ready(client, uma, case["id"]) if t["bpmn_id"] == "checkin"] == [
        "Rückmeldung Juni 2025"
    ]
    r = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"data": {"review_date": "2025-06-02", "next_step": "via_uma_team"}},
        headers=coord,
    )
    assert r.status_code == 200, r.json


def test_a_job_started_four_months_ago_creates_only_the_latest_months_check_in(app, client, login):
    uma = login("cm-uma")
    travel("2025-06-05")
    case = open_case(client, uma, municipality="Delbrück")
    give_consent(client, uma, case["id"])
    start_job(client, uma, case["id"], "2025-01-31")
    # February to May have passed: only May's check-in, labelled with its month, due a week after.
    (task,) = list(followup_tasks(client, uma, case["id"]))
    assert (task["bpmn_id"], task["name"]) == ("checkin", "Rückmeldung Mai 2025")
    assert task["due"].startswith("2025-06-07")
    checkin(client, uma, case["id"], "2025-06-05")
    travel("2025-06-30")
    fire(app)
    assert [t["name"] for t in followup_tasks(client, uma, case["id"])] == ["Rückmeldung Juni 2025"]
    checkin(client, uma, case["id"], "2025-06-30")
    history = client.get(f"/api/v1/cases/{case['id']}/history?per_page=100", headers=uma).json["items"]
    assert [e["name"] for e in history if e["bpmn_id"] == "checkin"] == [
        "Rückmeldung Mai 2025",
        "Rückmeldung Juni 2025",
    ]
    (row,) = stored(app, case["id"])["rows"]
    assert (row.checkins_done, row.checkins_fired, row.checkins_planned) == (2, 2, 5)


def test_evaluations_fall_due_on_the_agreed_rhythm(client, login):
    from tests.api.helpers import run_to_evaluation

    cm = login("cm-borchen")
    now = clock.utcnow()
    case = open_case(client, cm)
    run_to_evaluation(client, cm, case["id"])
    (evaluation,) = ready(client, cm, case["id"])
    due = datetime.fromisoformat(evaluation["due"])
    assert 8 * 7 - 1 <= (due - now).days <= 8 * 7  # GOALS agree on every 8 weeks
    assert d.GOALS["review_interval_weeks"] == 8


def test_follow_up_overview_rejects_bad_parameters(client, login):
    coord = login("coordinator")
    assert client.get("/api/v1/followups?within_days=-1", headers=coord).status_code == 422
    assert client.get("/api/v1/followups?include=everything", headers=coord).status_code == 422
    r = client.get("/api/v1/followups?team=nope", headers=coord)  # an unknown team matches nothing
    assert r.status_code == 200 and r.json["items"] == []
