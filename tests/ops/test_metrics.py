"""Prometheus metrics: counted where it happens and only once committed; /metrics access; DB gauges."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from engine import clock
from engine.cases.lifecycle import PROCESS_ID as LIFECYCLE
from engine.tasks.service import complete_task
from engine.timers.jobs import run_due
from engine.timers.policy import TimerPolicy
from engine.uow import fail, unit_of_work
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case, ready
from tests.conftest import TEST_DATA_KEY
from tests.engine.timers.helpers import actor, start_instances

REMOTE = {"REMOTE_ADDR": "10.20.30.40"}


@pytest.fixture(autouse=True)
def _real_clock():
    yield
    clock.reset()


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scrape(text: str) -> dict[tuple, float]:
    """{(sample name, sorted labels): value} of a text exposition."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_a_task_completion_counts_once_it_is_committed(client, login, app):
    h = login("cm-borchen")
    case = open_case(client, h)
    before = value("kim_tasks_completed_total", process=LIFECYCLE)
    (task,) = ready(client, h, case["id"])
    r = client.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": {"contact_date": "kein Datum"}}, headers=h
    )
    assert r.status_code == 422
    assert value("kim_tasks_completed_total", process=LIFECYCLE) == before
    sessions = app.extensions["kim"]["sessions"]
    with unit_of_work(sessions) as s:  # completed in the unit, then rolled back: not a completion
        complete_task(s, user=actor(s, "cm-borchen"), task_id=task["id"], data=d.FIRST_CONTACT)
        fail(s)
    assert value("kim_tasks_completed_total", process=LIFECYCLE) == before
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    assert value("kim_tasks_completed_total", process=LIFECYCLE) == before + 1
    series = scrape(client.get("/metrics").get_data(as_text=True))
    assert series[("kim_tasks_completed_total", (("process", LIFECYCLE),))] == before + 1
    key = (
        "kim_http_request_duration_seconds_count",
        (("endpoint", "/api/v1/tasks/<task_id>/complete"), ("method", "POST"), ("status", "200")),
    )
    assert series[key] >= 1


def test_timers_fired_lateness_and_the_database_gauges(app, client, db):
    sessions = app.extensions["kim"]["sessions"]
    with sessions() as s:
        start_instances(s, "timer_once", 2)  # due in 2 s
    fired, late_sum = value("kim_timers_fired_total"), value("kim_timer_lateness_seconds_sum")
    in_300, in_60 = (value("kim_timer_lateness_seconds_bucket", le=le) for le in ("300.0", "60.0"))
    clock.advance(timedelta(seconds=92))  # the scheduler was away: 90 s late
    series = scrape(client.get("/metrics").get_data(as_text=True))
    assert series[("kim_timers_overdue", ())] == 2 and series[("kim_database_up", ())] == 1
    assert series[("kim_incidents_open", ())] == 0
    outcomes = run_due(sessions, owner="test", policy=TimerPolicy())
    assert [o.status for o in outcomes] == ["fired", "fired"]
    assert value("kim_timers_fired_total") == fired + 2
    late = value("kim_timer_lateness_seconds_sum") - late_sum
    assert 2 * 90 <= late < 2 * 120
    assert value("kim_timer_lateness_seconds_bucket", le="300.0") == in_300 + 2
    assert value("kim_timer_lateness_seconds_bucket", le="60.0") == in_60
    # An incident is read from the database at scrape time.
    with sessions() as s:
        start_instances(s, "timer_once", 1)
    db.execute("UPDATE timers SET status = 'incident'")
    series = scrape(client.get("/metrics").get_data(as_text=True))
    assert series[("kim_incidents_open", ())] == 1 and series[("kim_timers_overdue", ())] == 0


def test_metrics_only_for_loopback_or_with_the_token(settings, client):
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    r = client.get("/metrics", environ_base=REMOTE)
    assert r.status_code == 403 and r.mimetype == "application/problem+json"
    assert "KIM_METRICS_TOKEN" in r.json["detail"]
    guarded = create_app(dataclasses.replace(settings, metrics_token="s3cret-scrape"))
    try:
        c = guarded.test_client()
        # With a token, loopback is not enough (behind a local reverse proxy everyone is loopback).
        assert c.get("/metrics").status_code == 403
        assert (
            c.get("/metrics", headers={"Authorization": "Bearer wrong"}, environ_base=REMOTE).status_code
            == 403
        )
        r = c.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape"}, environ_base=REMOTE)
        assert r.status_code == 200 and r.content_type.startswith("text/plain")
        assert "kim_database_up 1.0" in r.get_data(as_text=True)
    finally:
        guarded.extensions["kim"]["engine"].dispose()


def test_metrics_say_the_database_is_down_instead_of_failing(tmp_path):
    folder = tmp_path / "is-a-directory"
    folder.mkdir()
    from engine.config import Settings

    app = create_app(
        Settings(
            database_url=f"sqlite:///{folder}",
            data_dir=tmp_path,
            log_level="CRITICAL",
            data_keys=TEST_DATA_KEY,
        )
    )
    r = app.test_client().get("/metrics")
    assert r.status_code == 200
    series = scrape(r.get_data(as_text=True))
    assert series[("kim_database_up", ())] == 0 and ("kim_incidents_open", ()) not in series
