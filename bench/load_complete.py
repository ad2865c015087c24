"""Case managers completing tasks under load: locust (as a library, headless) against `kim serve`
(gunicorn gthread workers, KIM_THREADS as set, KIM_SCHEDULER=external) on the state-wide PostgreSQL dataset.

    KIM_DATA_KEYS=<key> .venv/bin/python bench/load_complete.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:55433/kim_statewide \\
        --workers 4 --rates 5,10,20,30,40 --step-seconds 60

Each simulated case manager signs in as the case manager of her own scope (one municipality or team:
no two users share an inbox, so two users never race for one task), reads her inbox
(GET /api/v1/tasks?per_page=100) and completes its tasks one after another with valid form data for
each lifecycle step (tests/lifecycle_data.py; evaluations continue, so running cases stay
running); the next tasks of a case come from the completion's answer, the inbox is read again
when her list runs out. Each user completes at most rate/users tasks per second
(locust constant_throughput), so the offered rate per step is --rates. A step is sustained when
no request failed, the achieved completion rate is at least 95 % of the offered rate and the
complete-task p95 stays within --max-p95-ms (default 1 s; beyond it requests queue rather than
being served). Sign-ins and first inbox reads happen before each step's measurement starts.

With ``--server-times`` each step also prints the workers' own median and p95 per completion, from
their access log: the difference to locust's figures is the time a request waited for a worker (and
locust's own share of the 2 cores).

Completing tasks changes the dataset (tasks move on); rerun bench/statewide.py for a pristine one.
Prints one JSON line per step.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time
from datetime import datetime
from itertools import count
from pathlib import Path

import gevent
import psycopg
import requests
from locust import HttpUser, constant_throughput, events, task
from locust.env import Environment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_common import ROOT, log
from tests import lifecycle_data as d

KIM = str(Path(sys.executable).parent / "kim")
FORMS = {
    "first_contact": d.FIRST_CONTACT,
    "consent": d.CONSENT_YES,
    "assessment": d.ASSESS_ACCOMPANY,
    "referral": d.REFERRAL,
    "goal_agreement": d.GOALS,
    "evaluation": d.evaluation(True),
    "final_evaluation": d.FINAL,
    "closure": d.CLOSURE_GOALS_MET,
}
ACCOUNTS: list[tuple[str, str]] = []  # (user name, county key): names are unique per county
STARTED: list[str] = []  # users signed in with their first inbox read (ramp-up done)
_NEXT = count()


class CaseManager(HttpUser):
    wait_time = constant_throughput(1.0)

    def on_start(self):
        self.username, tenant = ACCOUNTS[next(_NEXT) % len(ACCOUNTS)]
        r = self.client.post(
            "/api/v1/auth/token",
            json={"username": self.username, "password": "demo", "tenant": tenant},
            name="POST /auth/token",
        )
        self.headers = {"Authorization": "Bearer " + r.json()["access_token"]}
        self.todo = []
        self._inbox()
        STARTED.append(self.username)

    def _inbox(self):
        r = self.client.get("/api/v1/tasks?per_page=100", headers=self.headers, name="GET /tasks (inbox)")
        if r.ok:
            self.todo = [(t["id"], t["bpmn_id"]) for t in r.json()["items"] if t["bpmn_id"] in FORMS]

    @task
    def complete_one(self):
        if not self.todo:
            self._inbox()
            if not self.todo:
                return
        task_id, bpmn_id = self.todo.pop(0)
        with self.client.post(
            f"/api/v1/tasks/{task_id}/complete",
            json={"data": FORMS[bpmn_id]},
            headers=self.headers,
            name="POST /tasks/{id}/complete",
            catch_response=True,
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}: {r.text[:200]}")
                return
            for t in r.json().get("next_tasks") or []:
                if t["bpmn_id"] in FORMS:
                    self.todo.insert(0, (t["id"], t["bpmn_id"]))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_ticks() -> int:
    with open("/proc/stat") as f:
        parts = f.readline().split()[1:]
    return sum(int(x) for x in parts[:3])  # user + nice + system


COMPLETE_PATH = re.compile(r"^/api/v1/tasks/[^/]+/complete$")


def server_times(log_path: Path, since: float, until: float) -> dict:
    """Median and p95 of the completions the workers served between ``since`` and ``until`` (epoch
    seconds), from their access log (JSON lines of ``kim.access``, written when the answer is
    ready, commit included): the time a worker spent on a request, without the time it waited to be
    picked up. Empty when the log has none (``--server-times`` not set)."""
    took = []
    with open(log_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if '"kim.access"' not in line:
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            at = datetime.fromisoformat(rec["time"]).timestamp()
            if since <= at <= until and COMPLETE_PATH.match(rec.get("path", "")) and rec.get("status") == 200:
                took.append(float(rec["duration_ms"]))
    if not took:
        return {}
    took.sort()
    return {
        "server_p50_ms": round(took[len(took) // 2], 1),
        "server_p95_ms": round(took[min(len(took) - 1, int(0.95 * len(took)))], 1),
        "server_requests": len(took),
    }


def run_step(
    host: str, rate: float, users: int, seconds: float, max_p95_ms: float, log_path: Path | None = None
) -> dict:
    CaseManager.wait_time = constant_throughput(rate / users)
    env = Environment(user_classes=[CaseManager], events=events, host=host)
    runner = env.create_local_runner()
    STARTED.clear()
    runner.start(users, spawn_rate=max(users, 1))
    # Ramp-up outside the measurement: every user signed in (argon2) and read her inbox once.
    deadline = time.time() + 120
    while len(STARTED) < users and time.time() < deadline:
        gevent.sleep(0.5)
    gevent.sleep(3)
    env.stats.reset_all()
    started, ticks0 = time.time(), _cpu_ticks()
    gevent.sleep(seconds)
    elapsed, ticks = time.time() - started, _cpu_ticks() - ticks0
    stats = env.stats.get("POST /tasks/{id}/complete", "POST")
    inbox = env.stats.get("GET /tasks (inbox)", "GET")
    total_fail = env.stats.total.num_failures
    out = {
        "offered_per_s": rate,
        "users": users,
        "seconds": round(elapsed, 1),
        "completed": stats.num_requests - stats.num_failures,
        "failed": stats.num_failures,
        "achieved_per_s": round((stats.num_requests - stats.num_failures) / elapsed, 1),
        "complete_p50_ms": stats.get_response_time_percentile(0.5),
        "complete_p95_ms": stats.get_response_time_percentile(0.95),
        "complete_p99_ms": stats.get_response_time_percentile(0.99),
        "complete_max_ms": round(stats.max_response_time or 0),
        "inbox_requests": inbox.num_requests,
        "inbox_p95_ms": inbox.get_response_time_percentile(0.95),
        "all_failures": total_fail,
        "machine_cpu_busy": round(ticks / os.sysconf("SC_CLK_TCK") / elapsed / (os.cpu_count() or 1), 2),
    }
    if log_path is not None:
        out.update(server_times(log_path, started, started + elapsed))
    if stats.num_failures:
        out["errors"] = [str(e.error)[:200] for e in list(env.stats.errors.values())[:3]]
    out["sustained"] = (
        out["failed"] == 0
        and total_fail == 0
        and out["achieved_per_s"] >= 0.95 * rate
        and (out["complete_p95_ms"] or 0) <= max_p95_ms
    )
    runner.quit()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=os.environ.get("KIM_DATABASE_URL"))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rates", default="5,10,20,30,40")
    parser.add_argument(
        "--users", type=int, default=0, help="simulated case managers (default: 2x the rate, >= 4)"
    )
    parser.add_argument("--step-seconds", type=float, default=60)
    parser.add_argument(
        "--max-p95-ms",
        type=float,
        default=1000,
        help="a step with a slower complete-task p95 is not sustained (queueing, not serving)",
    )
    parser.add_argument(
        "--server-times",
        action="store_true",
        help="also print the workers' own median and p95 per completion, from their access log "
        "(INFO; costs the workers a log line per request)",
    )
    parser.add_argument(
        "--keep-going", action="store_true", help="run every rate even after one is not sustained"
    )
    args = parser.parse_args()
    with psycopg.connect(args.database_url.replace("postgresql+psycopg://", "postgresql://", 1)) as conn:
        # one account per scope, in random order, spread over all tenants
        rows = conn.execute(
            "SELECT u.username, t.key FROM users u JOIN tenants t ON t.id = u.tenant_id "
            "WHERE u.role = 'case_manager' AND u.username LIKE 'cm-%-1' ORDER BY md5(u.username)"
        ).fetchall()
    ACCOUNTS.extend((r[0], r[1]) for r in rows)
    port = _free_port()
    env = {
        **os.environ,
        "KIM_DATABASE_URL": args.database_url,
        "KIM_PORT": str(port),
        "KIM_WORKERS": str(args.workers),
        "KIM_SCHEDULER": "external",
        # the access log (INFO) only when its server-side times are asked for
        "KIM_LOG_LEVEL": "INFO" if args.server_times else "WARNING",
        "KIM_LOG_FORMAT": "json",
        # hundreds of case managers sign in from this one address within a second: not an attack
        "KIM_RATELIMIT_ENABLED": "0",
    }
    log_path = ROOT / "var" / "bench-statewide" / "load_server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log_file:
        server = subprocess.Popen(
            [KIM, "serve"], env=env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT
        )
    host = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                if requests.get(host + "/api/v1/health", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.time() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.3)
        log(f"kim serve on {host}, {args.workers} workers; {len(ACCOUNTS)} case manager accounts")
        best = None
        for rate in (float(x) for x in args.rates.split(",")):
            users = args.users or max(4, int(2 * rate))
            result = {
                "workers": args.workers,
                **run_step(
                    host,
                    rate,
                    min(users, len(ACCOUNTS)),
                    args.step_seconds,
                    args.max_p95_ms,
                    log_path if args.server_times else None,
                ),
            }
            print(json.dumps(result), flush=True)
            if result["sustained"]:
                best = result
            elif not args.keep_going:
                break
        print(
            json.dumps(
                {
                    "workers": args.workers,
                    "highest_sustained_per_s": best and best["offered_per_s"],
                    "at_that_rate": best,
                }
            ),
            flush=True,
        )
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
