"""A property of the UmA follow-up over the API: whatever check-in outcomes and case events come
(the case closes, consent is withdrawn, time passes), no task of an ended case stays open, and every
check-in counter equals what the history and the tasks show."""

import re
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from engine import clock
from engine.cases.models import Case
from engine.instances.models import HistoryEntry, ProcessInstance
from engine.tasks.models import READY, TaskRecord
from engine.timers.models import Timer
from tests import lifecycle_data as d
from tests.api.helpers import give_consent, open_case
from tests.engine.followups.helpers import fire, start_job, stored, travel

MONTHS = "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
MONTH_TITLE = re.compile(rf"^Rückmeldung ({MONTHS}) \d{{4}}$")
EVENTS = st.one_of(
    st.tuples(st.just("checkin"), st.sampled_from(["stable", "difficulties", "not_reached", "ended"])),
    st.tuples(st.just("wait"), st.sampled_from([3, 20, 35, 75])),
    st.tuples(st.just("followup"), st.sampled_from(["still_employed", "ended"])),
    st.tuples(st.just("reengage"), st.just("")),
    st.tuples(st.just("close"), st.sampled_from(["moved_away", "referred"])),
    st.tuples(st.just("withdraw"), st.just("")),
)


@pytest.fixture(autouse=True)
def _real_clock():
    yield
    clock.reset()


def _ready(app, case_id, bpmn_id) -> list[str]:
    """The case's ready tasks of one element, read from the database (fewer requests than the API)."""
    with app.extensions["kim"]["sessions"]() as s:
        return list(
            s.scalars(
                select(TaskRecord.id)
                .where(
                    TaskRecord.case_id == case_id, TaskRecord.bpmn_id == bpmn_id, TaskRecord.status == READY
                )
                .order_by(TaskRecord.created_at)
            )
        )


def _complete_if_ready(app, client, h, case_id, bpmn_id, data) -> None:
    for task_id in _ready(app, case_id, bpmn_id)[:1]:
        r = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data}, headers=h)
        assert r.status_code == 200, r.json


def _apply(app, client, h, case_id, event) -> None:
    kind, arg = event
    if kind == "checkin":
        _complete_if_ready(app, client, h, case_id, "checkin", {"contact_date": "2025-02-01", "status": arg})
    elif kind == "wait":
        clock.travel_to(clock.utcnow() + timedelta(days=arg))
        fire(app)
    elif kind == "followup":
        _complete_if_ready(
            app, client, h, case_id, "six_month_followup", {"followup_date": "2025-08-01", "outcome": arg}
        )
    elif kind == "reengage":
        _complete_if_ready(app, client, h, case_id, "reengage", {"new_goal": "Neues Ziel"})
    elif kind == "close":
        _complete_if_ready(app, client, h, case_id, "assessment", d.ASSESS_REFERRAL)
        _complete_if_ready(app, client, h, case_id, "referral", d.REFERRAL)
        closure = d.not_after_today({"closure_reason": arg, "closure_date": "2025-03-01"})
        _complete_if_ready(app, client, h, case_id, "closure", closure)
    else:
        client.post(f"/api/v1/cases/{case_id}/consent-withdrawal", headers=h)


def _check(app, client, h, case_id) -> None:
    held = stored(app, case_id)
    with app.extensions["kim"]["sessions"]() as s:
        closed = s.get_one(Case, case_id).status == "closed"
        open_tasks = s.scalar(
            select(func.count())
            .select_from(TaskRecord)
            .where(TaskRecord.case_id == case_id, TaskRecord.status == READY)
        )
        waiting = s.scalar(
            select(func.count())
            .select_from(Timer)
            .join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
            .where(ProcessInstance.case_id == case_id)
        )
        done_in_history = dict(
            s.execute(
                select(HistoryEntry.instance_id, func.count())
                .where(
                    HistoryEntry.case_id == case_id,
                    HistoryEntry.bpmn_id == "checkin",
                    HistoryEntry.state == "completed",
                )
                .group_by(HistoryEntry.instance_id)
            ).all()
        )
    if closed:
        assert open_tasks == 0 and waiting == 0
        assert "running" not in held["instances"].values()
    for row in held["rows"]:
        fired = [n for b, _s, n, i in held["tasks"] if b == "checkin" and i == row.instance_id]
        assert row.checkins_done == done_in_history.get(row.instance_id, 0)
        assert row.checkins_fired == len(fired) <= row.checkins_planned == 5
        assert all(MONTH_TITLE.match(n) for n in fired)
    # Once the job has ended no check-in is open (the re-engagement cancelled the rest).
    if any(r.outcome == "ended" for r in held["rows"]):
        assert _ready(app, case_id, "checkin") == []


@pytest.mark.slow
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(events=st.lists(EVENTS, min_size=1, max_size=8))
def test_no_task_of_an_ended_case_stays_open_and_counters_match_the_history(app, client, login, events):
    h = login("cm-borchen")
    travel("2025-01-20")
    case = open_case(client, h)
    give_consent(client, h, case["id"])
    start_job(client, h, case["id"], "2025-01-31", talk_date="2025-01-20")
    for event in events:
        _apply(app, client, h, case["id"], event)
        if event[0] == "wait":
            h = login("cm-borchen")  # a token does not outlive months of travel
        _check(app, client, h, case["id"])
