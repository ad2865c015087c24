"""kill -9 in the middle of work: web workers completing tasks, the scheduler firing timers.

After the restart nothing is lost (every completion a client saw succeed is there, every due timer
fires) and nothing happened twice (one history entry per task, one fire per timer).
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import threading
import time

import requests
from sqlalchemy import func, select

from engine.instances.models import HistoryEntry
from engine.timers.models import Timer
from tests import lifecycle_data as d
from tests.conftest import BIN, PROJECT_ROOT, LiveServer
from tests.engine.timers.helpers import start_instances

STEPS = [("first_contact", d.FIRST_CONTACT), ("consent", d.CONSENT_YES), ("assessment", d.ASSESS_ACCOMPANY)]


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (the gunicorn workers of a master)."""
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                kids.append(int(entry))
    return kids


class Clerk(threading.Thread):
    """A case manager working through her cases; retries a request whose connection died."""

    def __init__(self, server: LiveServer, headers: dict, cases: queue.Queue, log: list, outages: list):
        super().__init__(daemon=True)
        self.server, self.headers, self.cases, self.log = server, headers, cases, log
        self.outages = outages

    def _tasks(self, case_id: int) -> list[dict]:
        for _ in range(200):
            try:
                r = requests.get(
                    f"{self.server.url}/tasks", params={"case_id": case_id}, headers=self.headers, timeout=30
                )
                if r.status_code == 200:
                    return r.json()["items"]
            except requests.RequestException:
                self.log_outage()
            time.sleep(0.1)
        raise AssertionError("the server did not come back")

    def log_outage(self) -> None:
        """A request that found the server dead (a read between two completions counts too)."""
        self.outages.append(time.monotonic())

    def _complete(self, case_id: int, task_id: int, data: dict) -> None:
        broken = False
        for _ in range(200):
            try:
                r = requests.post(
                    f"{self.server.url}/tasks/{task_id}/complete",
                    json={"data": data},
                    headers=self.headers,
                    timeout=30,
                )
            except requests.RequestException:
                broken = True  # the worker died: did the completion commit or not?
                self.log_outage()
                time.sleep(0.1)
                continue
            if r.status_code in (502, 503):
                broken = True
                time.sleep(0.1)
                continue
            self.log.append((case_id, task_id, r.status_code, broken))
            return
        raise AssertionError("the server did not come back")

    def run(self) -> None:
        while True:
            try:
                case_id = self.cases.get_nowait()
            except queue.Empty:
                return
            for bpmn_id, data in STEPS:
                (task,) = [t for t in self._tasks(case_id) if t["bpmn_id"] == bpmn_id]
                self._complete(case_id, task["id"], data)


def _check_cases(db, case_ids: list[int], log: list) -> None:
    # Every completion was answered 200, or 409 only after the connection of an earlier try died
    # (that try had committed): never a 409 a client could not explain, never a 500.
    assert all(code == 200 or (code == 409 and broken) for _, _, code, broken in log), [
        entry for entry in log if entry[2] != 200
    ]
    per_task = db.rows(
        "SELECT task_id, count(*) FROM history WHERE bpmn_id IN "
        "('first_contact', 'consent', 'assessment') GROUP BY task_id"
    )
    assert all(n == 1 for _, n in per_task), [row for row in per_task if row[1] != 1]
    for case_id in case_ids:
        done = db.rows(
            "SELECT bpmn_id FROM history WHERE case_id = :c AND bpmn_id IN "
            "('first_contact', 'consent', 'assessment') ORDER BY id",
            c=case_id,
        )
        assert [r[0] for r in done] == ["first_contact", "consent", "assessment"], (case_id, done)
        ready = db.rows(
            "SELECT t.bpmn_id FROM tasks t JOIN process_instances p ON p.id = t.instance_id "
            "WHERE p.case_id = :c AND t.status = 'ready'",
            c=case_id,
        )
        assert [r[0] for r in ready] == ["goal_agreement"], (case_id, ready)


def _open_cases(server: LiveServer, headers: dict, n: int) -> list[int]:
    ids = []
    for i in range(n):
        r = requests.post(
            server.url + "/cases",
            headers=headers,
            timeout=30,
            json={"municipality": "borchen", "client": {"given_name": "Kill", "family_name": f"Test{i}"}},
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return ids


def _run_clerks(server, headers, case_ids, during, outages: list | None = None) -> list:
    cases: queue.Queue = queue.Queue()
    for case_id in case_ids:
        cases.put(case_id)
    log: list = []
    clerks = [Clerk(server, headers, cases, log, outages if outages is not None else []) for _ in range(4)]
    for clerk in clerks:
        clerk.start()
    during(log)
    for clerk in clerks:
        clerk.join(timeout=300)
        assert not clerk.is_alive()
    return log


def test_killing_workers_during_task_completions_loses_and_doubles_nothing(db):
    server = LiveServer(db, workers=2).start()
    try:
        headers = server.token("cm-borchen")
        case_ids = _open_cases(server, headers, 30)
        killed = []

        def kill_workers(log):
            for round_ in range(4):
                while len(log) < 10 * (round_ + 1) and len(log) < 3 * len(case_ids) - 5:
                    time.sleep(0.01)
                workers = _children(server.proc.pid)
                assert workers, "no gunicorn workers found"
                os.kill(workers[0], signal.SIGKILL)  # gunicorn's master starts a new one
                killed.append(workers[0])

        log = _run_clerks(server, headers, case_ids, kill_workers)
        assert len(killed) == 4
        assert len(log) == 3 * len(case_ids)
    finally:
        server.stop()
    _check_cases(db, case_ids, log)


def test_killing_the_whole_server_during_completions_then_restarting(db):
    server = LiveServer(db, workers=2).start()
    headers = server.token("cm-borchen")
    case_ids = _open_cases(server, headers, 16)
    port = server.port

    def kill_everything(log):
        while len(log) < 12:
            time.sleep(0.01)
        for pid in [*_children(server.proc.pid), server.proc.pid]:
            os.kill(pid, signal.SIGKILL)
        server.proc.wait()
        time.sleep(0.5)
        restarted = LiveServer(db, workers=2)
        restarted.port, restarted.url = port, server.url  # the clients keep their address
        restarted.start()
        server.proc = restarted.proc

    outages: list = []
    try:
        log = _run_clerks(server, headers, case_ids, kill_everything, outages)
    finally:
        server.stop()
    assert len(log) == 3 * len(case_ids)
    # The clerks were working when everything died: some request (a completion, or the read of the
    # next task between two completions) found the server gone and was retried after the restart.
    assert outages, "no request met the dead server"
    _check_cases(db, case_ids, log)


def _fired(db) -> int:
    return db.rows("SELECT count(*) FROM history WHERE bpmn_id = 'wait'")[0][0]


def test_killing_the_scheduler_while_it_fires_timers(app, db, settings):
    sessions = app.extensions["kim"]["sessions"]
    total = 1500
    with sessions() as s:
        _, ids = start_instances(s, "timer_once", total)
    app.extensions["kim"]["engine"].dispose()
    env = db.env(KIM_CLOCK_OFFSET_SECONDS="10", KIM_TIMER_LEASE_SECONDS="5", KIM_LOG_LEVEL="WARNING")
    errors = open(db.data_dir / "scheduler.err", "w+")  # noqa: SIM115 - read after the kill; a file: a full pipe would stall the scheduler
    proc = subprocess.Popen(
        [str(BIN / "kim"), "scheduler"], env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=errors
    )
    try:
        deadline = time.monotonic() + 120
        while _fired(db) < 100 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
    fired_before = _fired(db)
    errors.seek(0)
    assert 100 <= fired_before < total, (fired_before, errors.read()[-3000:])  # killed in the middle
    errors.close()

    # The restarted scheduler runs later than the lease: claims the orphaned leases too.
    later = db.env(KIM_CLOCK_OFFSET_SECONDS="30", KIM_TIMER_LEASE_SECONDS="5", KIM_LOG_LEVEL="WARNING")
    out = subprocess.run(
        [str(BIN / "kim"), "scheduler", "--once"],
        env=later,
        cwd=PROJECT_ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1])["fired"] == total - fired_before
    with sessions() as s:
        per_instance = dict(
            s.execute(
                select(HistoryEntry.instance_id, func.count())
                .where(HistoryEntry.bpmn_id == "wait")
                .group_by(HistoryEntry.instance_id)
            ).all()
        )
        assert per_instance == dict.fromkeys(ids, 1)
        assert s.scalar(select(func.count()).select_from(Timer)) == 0
