"""Durable timers: restart after downtime, exactly-once across processes, leases, retries, incidents."""

from __future__ import annotations

import json
import os
import subprocess
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine import clock
from engine.instances.models import HistoryEntry
from engine.scheduler import TimerScheduler
from engine.tasks.models import READY, TaskRecord
from engine.timers.jobs import claim, fire, run_due
from engine.timers.models import INCIDENT, WAITING, Timer
from engine.timers.policy import TimerPolicy
from engine.uow import unit_of_work
from tests.conftest import BIN
from tests.engine.timers.helpers import start_instances


@pytest.fixture(autouse=True)
def _real_clock():
    yield
    clock.reset()


@pytest.fixture
def sessions(app):
    return app.extensions["kim"]["sessions"]


def _fired_per_instance(session, ids):
    rows = session.execute(
        select(HistoryEntry.instance_id, func.count())
        .where(HistoryEntry.bpmn_id == "wait", HistoryEntry.instance_id.in_(ids))
        .group_by(HistoryEntry.instance_id)
    ).all()
    return dict(rows)


def _wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_timers_written_with_the_state_and_nothing_polls_instances_not_due(sessions):
    from engine.workflow import runtime

    with sessions() as s:
        _, ids = start_instances(s, "timer_once", 5)
        rows = s.scalars(select(Timer)).all()
        assert len(rows) == 5 and {r.instance_id for r in rows} == set(ids)
        assert all(r.status == WAITING and r.kind == "duration" for r in rows)
    loads = runtime.STATS["loads"]
    assert run_due(sessions, owner="a", policy=TimerPolicy()) == []  # not due yet
    assert runtime.STATS["loads"] == loads


def test_after_downtime_missed_timers_fire_once_when_the_scheduler_starts(sessions):
    with sessions() as s:
        _, ids = start_instances(s, "timer_once", 20)
    clock.advance(timedelta(hours=6))  # the service was down while they fell due
    sched = TimerScheduler(sessions, watch_seconds=0.2).start()
    try:

        def all_fired():
            with sessions() as s:
                return s.scalar(select(func.count()).select_from(Timer)) == 0

        assert _wait_for(all_fired)
    finally:
        sched.shutdown()
    with sessions() as s:
        assert _fired_per_instance(s, ids) == dict.fromkeys(ids, 1)
        followups = s.scalar(
            select(func.count())
            .select_from(TaskRecord)
            .where(TaskRecord.bpmn_id == "followup", TaskRecord.status == READY)
        )
        assert followups == 20
    assert sched.counts["fired"] == 20


def test_a_running_scheduler_fires_a_new_pt2s_timer_on_time(sessions):
    sched = TimerScheduler(sessions, watch_seconds=5).start()  # slow watch: arming on save must do it
    try:
        with sessions() as s:
            _, (instance_id,) = start_instances(s, "timer_once", 1)
            due = s.scalar(select(Timer.scheduled_for))

        def fired():
            with sessions() as s:
                return _fired_per_instance(s, [instance_id]) == {instance_id: 1}

        assert _wait_for(fired, timeout=6)
        late = (clock.utcnow() - due).total_seconds()
        assert late < 1.5, late
    finally:
        sched.shutdown()


@pytest.mark.faults  # two scheduler processes race for the same timers
@pytest.mark.slow
def test_two_scheduler_processes_fire_each_of_1000_timers_exactly_once(sessions, settings):
    with sessions() as s:
        _, ids = start_instances(s, "timer_once", 1000)
    env = {
        **os.environ,
        "KIM_DATABASE_URL": settings.database_url,
        "KIM_CLOCK_OFFSET_SECONDS": "10",
        "KIM_LOG_LEVEL": "WARNING",
    }
    procs = [
        subprocess.Popen(
            [str(BIN / "kim"), "scheduler", "--once"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    counts = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        counts.append(json.loads(out.strip().splitlines()[-1]))
    assert sum(c.get("fired", 0) for c in counts) == 1000, counts
    with sessions() as s:
        assert _fired_per_instance(s, ids) == dict.fromkeys(ids, 1)
        assert s.scalar(select(func.count()).select_from(Timer)) == 0
        assert (
            s.scalar(select(func.count()).select_from(TaskRecord).where(TaskRecord.bpmn_id == "followup"))
            == 1000
        )


def test_a_crashed_claim_is_taken_over_after_the_lease_expires(sessions):
    policy = TimerPolicy(lease_seconds=30)
    with sessions() as s:
        _, (instance_id,) = start_instances(s, "timer_once", 1)
    clock.advance(timedelta(seconds=5))
    with unit_of_work(sessions) as s:
        (timer_id,) = claim(s, owner="crashed", policy=policy)
    with unit_of_work(sessions) as s:
        assert claim(s, owner="other", policy=policy) == []  # leased
    clock.advance(timedelta(seconds=31))
    with unit_of_work(sessions) as s:
        assert claim(s, owner="other", policy=policy) == [timer_id]
    assert fire(sessions, timer_id=timer_id, owner="other", policy=policy).status == "fired"
    # the crashed owner wakes up: nothing happens twice
    assert fire(sessions, timer_id=timer_id, owner="crashed", policy=policy).status == "skipped"
    with sessions() as s:
        assert _fired_per_instance(s, [instance_id]) == {instance_id: 1}


def test_a_failing_timer_is_retried_with_backoff_then_becomes_an_incident(sessions, client, login):
    policy = TimerPolicy(retry_seconds=10, max_attempts=3)
    with sessions() as s:
        _, (instance_id,) = start_instances(s, "timer_fails", 1)
    clock.advance(timedelta(seconds=3))
    backoffs = []
    for attempt in (1, 2):
        (outcome,) = run_due(sessions, owner="s", policy=policy)
        assert outcome.status == "retry" and "ZeroDivisionError" in outcome.detail
        with sessions() as s:
            row = s.scalars(select(Timer)).one()
            assert row.attempts == attempt and row.status == WAITING and row.lease_owner is None
            backoffs.append((row.due_at - clock.utcnow()).total_seconds())
        assert run_due(sessions, owner="s", policy=policy) == []  # not before the backoff
        clock.advance(timedelta(seconds=backoffs[-1] + 1))
    assert 9 < backoffs[0] <= 10 and 19 < backoffs[1] <= 20  # 10 s, then 20 s
    (outcome,) = run_due(sessions, owner="s", policy=policy)
    assert outcome.status == INCIDENT
    clock.advance(timedelta(days=1))
    assert run_due(sessions, owner="s", policy=policy) == []  # never retried forever
    with sessions() as s:
        row = s.scalars(select(Timer)).one()  # never lost either
        assert row.status == INCIDENT and row.attempts == 3
        assert _fired_per_instance(s, [instance_id]) == {}  # every failed attempt was rolled back

    admin = login("admin")
    incidents = client.get("/api/v1/incidents", headers=admin).json
    assert [i["bpmn_id"] for i in incidents] == ["wait"] and "ZeroDivisionError" in incidents[0]["last_error"]
    assert client.get("/api/v1/incidents", headers=login("cm-borchen")).status_code == 403
    assert client.post("/api/v1/incidents/999/retry", headers=admin).status_code == 404
    r = client.post(f"/api/v1/incidents/{incidents[0]['id']}/retry", headers=admin)
    assert r.status_code == 200 and r.json["status"] == WAITING and r.json["attempts"] == 0
    assert client.get("/api/v1/incidents", headers=admin).json == []
