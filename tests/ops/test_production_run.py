"""The production layout for real: `kim serve` with two workers and KIM_SCHEDULER=external, plus
`kim scheduler` with its own metrics port. Metrics of all workers add up; logs are JSON lines with
a request id and no personal data."""

from __future__ import annotations

import json

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from engine import crypto
from engine.db import make_engine, make_session_factory
from tests import lifecycle_data as d
from tests.conftest import _settings, free_port
from tests.engine.timers.helpers import start_instances
from tests.ops.helpers import Process, Server, wait_for

# Real `kim serve` and `kim scheduler` processes
pytestmark = pytest.mark.slow

NAME = {"given_name": "Zainab", "family_name": "Quraishi", "birth_date": "1991-03-04"}


def series(text: str) -> dict[tuple, float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def ready_count(url: str) -> float:
    key = (
        "kim_http_request_duration_seconds_count",
        (("endpoint", "/api/v1/ready"), ("method", "GET"), ("status", "200")),
    )
    return series(requests.get(url, timeout=10).text).get(key, 0.0)


def test_two_workers_and_a_scheduler_process(db, tmp_path):
    env = db.env(KIM_SCHEDULER="external", KIM_LOG_FORMAT="json", KIM_LOG_LEVEL="INFO")
    server = Server(env, tmp_path / "serve.log", workers=2)
    metrics_port = free_port()
    scheduler = Process(["scheduler"], {**env, "KIM_METRICS_PORT": str(metrics_port)}, tmp_path / "sched.log")
    try:
        # 20 readiness checks, spread over the workers by the kernel; every scrape, whichever
        # worker answers it, sums up all of them.
        for i in range(20):
            r = requests.get(server.url + "/ready", headers={"X-Request-ID": f"probe-{i}"}, timeout=10)
            assert r.status_code == 200 and r.headers["X-Request-ID"] == f"probe-{i}"
        assert [ready_count(server.base + "/metrics") for _ in range(6)] == [20.0] * 6
        files = list((db.data_dir / f"metrics-{server.port}").glob("*.db"))
        assert len({f.stem.rsplit("_", 1)[1] for f in files}) >= 2  # values of two worker pids

        h = server.token("cm-borchen")
        r = requests.post(
            server.url + "/cases", json={"municipality": "Borchen", "client": NAME}, headers=h, timeout=30
        )
        assert r.status_code == 201
        case_id = r.json()["id"]
        assert requests.get(server.url + "/cases?q=Quraishi", headers=h, timeout=30).json()["total"] == 1
        (task,) = requests.get(server.url + f"/tasks?case_id={case_id}", headers=h, timeout=30).json()[
            "items"
        ]
        r = requests.post(
            server.url + f"/tasks/{task['id']}/complete",
            json={"data": d.FIRST_CONTACT},
            headers=h,
            timeout=30,
        )
        assert r.status_code == 200
        text = requests.get(server.base + "/metrics", timeout=10).text
        assert series(text)[("kim_tasks_completed_total", (("process", "case_lifecycle"),))] == 1.0

        # Timers are the scheduler's: fired there, counted on its own port.
        crypto.configure(_settings(db))  # this process writes the client data: the server's keys
        engine = make_engine(db.url)
        with make_session_factory(engine)() as s:
            start_instances(s, "timer_once", 3)  # due in 2 s
        engine.dispose()
        fired = wait_for(lambda: _scheduler_fired(metrics_port) == 3.0, timeout=30)
        assert fired, scheduler.log_lines()[-5:]
        sched_text = requests.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).text
        assert series(sched_text)[("kim_timer_lateness_seconds_count", ())] == 3.0
        assert "process_resident_memory_bytes" in sched_text
        text = requests.get(server.base + "/metrics", timeout=10).text
        assert series(text).get(("kim_timers_fired_total", ()), 0.0) == 0.0  # the web workers fired none
    finally:
        server.stop()
        scheduler.stop()

    lines = server.log_lines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object, gunicorn's too
    assert any(r["logger"] == "gunicorn.error" for r in records)
    access = [r for r in records if r["logger"] == "kim.access"]
    probe = next(r for r in access if r.get("request_id") == "probe-7")
    assert probe["method"] == "GET" and probe["path"] == "/api/v1/ready" and probe["status"] == 200
    assert isinstance(probe["duration_ms"], float) and probe["level"] == "INFO" and probe["time"]
    search = next(r for r in access if r["path"] == "/api/v1/cases" and r["method"] == "GET")
    assert len(search["request_id"]) == 32  # made up by the server when the client sends none
    complete_line = next(r for r in access if r["path"].endswith("/complete"))
    assert complete_line["status"] == 200
    everything = "\n".join(lines + scheduler.log_lines())
    for secret in (*NAME.values(), d.FIRST_CONTACT["concerns"]):
        assert secret not in everything  # no client names, no bodies, no search terms
    sched = [json.loads(line) for line in scheduler.log_lines()]
    fired_lines = [r for r in sched if r["message"] == "timer fired"]
    assert len(fired_lines) == 3 and all("late_seconds" in r for r in fired_lines)


def _scheduler_fired(port: int) -> float:
    try:
        text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    except requests.RequestException:
        return -1.0
    return series(text).get(("kim_timers_fired_total", ()), 0.0)
