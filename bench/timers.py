"""Timer benchmarks: lateness of a PT2S timer, 100,000 timers due at once, and instance loads
while 100,000 instances wait on timers that are not due.

    .venv/bin/python bench/timers.py [--timers 100000] [--lateness 20] [--postgres ADMIN_URL]

Each part runs on a fresh database set up with `kim setup`: SQLite, or with --postgres a new
database on that PostgreSQL server (e.g. the URL `tools/ensure-postgres.sh` prints). Instances are started
through the services (engine.instances.service.create_instance); for the 100,000-timer parts
one started instance is copied with SQL (same state, own id and timer row), since starting
100,000 instances one by one would only measure the set-up. Prints JSON lines.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text

from bench.bench_common import ROOT, log
from engine import clock
from engine.db import make_engine, make_session_factory

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

KIM = str(Path(sys.executable).parent / "kim")


POSTGRES: str | None = None  # admin URL of a PostgreSQL server (--postgres), else SQLite files


def _pg(sql: str) -> None:
    engine = make_engine(POSTGRES)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(sql)
    finally:
        engine.dispose()


def _pg_url(name: str) -> str:
    return POSTGRES.rsplit("/", 1)[0] + "/" + name


def _setup(directory: Path) -> str:
    if POSTGRES:
        name = f"kim_bench_timers_{directory.name}_{os.getpid()}"
        _pg(f"DROP DATABASE IF EXISTS {name}")
        _pg(f"CREATE DATABASE {name}")
        url = _pg_url(name)
    else:
        url = f"sqlite:///{directory / 'kim.db'}"
    env = {**os.environ, "KIM_DATABASE_URL": url, "KIM_DEMO": "1", "KIM_DATA_DIR": str(directory)}
    subprocess.run([KIM, "setup"], check=True, env=env, cwd=ROOT, capture_output=True)
    return url


def _copy(url: str, run_dir: Path) -> str:
    """A copy of the database at ``url`` for one run."""
    if POSTGRES:
        name = f"kim_bench_timers_{run_dir.name}_{os.getpid()}"
        _pg(f"DROP DATABASE IF EXISTS {name}")
        _pg(f"CREATE DATABASE {name} TEMPLATE {url.rsplit('/', 1)[1]}")
        return _pg_url(name)
    shutil.copy(Path(url.removeprefix("sqlite:///")), run_dir / "kim.db")
    return f"sqlite:///{run_dir / 'kim.db'}"


def _drop_all() -> None:
    if POSTGRES:
        engine = make_engine(POSTGRES)
        with engine.connect() as conn:
            names = [
                r[0]
                for r in conn.execute(
                    text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                    {"p": f"kim_bench_timers_%_{os.getpid()}"},
                )
            ]
        engine.dispose()
        for name in names:
            _pg(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _sessions(url: str):
    engine = make_engine(url)
    return engine, make_session_factory(engine)


def lateness(n: int, work: Path) -> dict:
    """Real clock: n PT2S timers started 0.25 s apart; an external `kim scheduler` fires them."""
    from engine.instances.models import HistoryEntry
    from engine.timers.models import Timer
    from tests.engine.timers.helpers import start_instances

    url = _setup(work / "lateness")
    env = {**os.environ, "KIM_DATABASE_URL": url, "KIM_LOG_LEVEL": "WARNING"}
    sched = subprocess.Popen([KIM, "scheduler"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    engine, sessions = _sessions(url)
    due: dict[int, object] = {}
    try:
        time.sleep(1.5)
        for _ in range(n):
            with sessions() as s:
                _, (instance_id,) = start_instances(s, "timer_once", 1)
                due[instance_id] = s.scalar(
                    select(Timer.scheduled_for).where(Timer.instance_id == instance_id)
                )
            time.sleep(0.25)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with sessions() as s:
                if s.scalar(select(func.count()).select_from(Timer)) == 0:
                    break
            time.sleep(0.1)
        with sessions() as s:
            fired = dict(
                s.execute(
                    select(HistoryEntry.instance_id, HistoryEntry.at).where(HistoryEntry.bpmn_id == "wait")
                ).all()
            )
    finally:
        sched.terminate()
        sched.wait(10)
        engine.dispose()
    late = sorted((fired[i] - due[i]).total_seconds() for i in due if i in fired)
    return {
        "name": "pt2s_lateness_external_scheduler",
        "timers": n,
        "fired": len(late),
        "median_s": round(statistics.median(late), 3),
        "max_s": round(max(late), 3),
        "watch_seconds": 0.5,
    }


def _many_waiting(url: str, count: int) -> None:
    """One instance started through the services, copied ``count - 1`` times: the same state
    with fresh task ids (task ids are global keys), its own instance row and timer row."""
    from engine.crypto import decrypt_text, encrypt_text, is_token
    from tests.engine.timers.helpers import start_instances

    engine, sessions = _sessions(url)
    with sessions() as s:
        _, (first,) = start_instances(s, "timer_once", 1)
    with engine.begin() as conn:
        inst = (
            conn.execute(text("SELECT * FROM process_instances WHERE id = :i"), {"i": first}).mappings().one()
        )
        timer = (
            conn.execute(text("SELECT * FROM timers WHERE instance_id = :i"), {"i": first}).mappings().one()
        )
        plain = decrypt_text(inst["state"]) if is_token(inst["state"]) else inst["state"]  # encrypted at rest
        ids = sorted(set(UUID_RE.findall(plain)))
        next_id = conn.execute(text("SELECT max(id) FROM process_instances")).scalar() + 1
        batch_inst, batch_timer = [], []
        for n in range(count - 1):
            mapping = {old: str(uuid.uuid4()) for old in ids}
            state = encrypt_text(UUID_RE.sub(lambda m, mapping=mapping: mapping[m.group(0)], plain))
            iid = next_id + n
            batch_inst.append({**inst, "id": iid, "state": state})
            batch_timer.append(
                {
                    **{k: v for k, v in timer.items() if k != "id"},
                    "instance_id": iid,
                    "task_id": mapping[timer["task_id"]],
                }
            )
            if len(batch_inst) == 5000 or n == count - 2:
                conn.execute(
                    text(
                        "INSERT INTO process_instances (id, case_id, tenant_id, process_version_id, "
                        "process_id, status, state, lock_version, created_at, updated_at) VALUES (:id, "
                        ":case_id, :tenant_id, :process_version_id, :process_id, :status, :state, "
                        ":lock_version, :created_at, :updated_at)"
                    ),
                    batch_inst,
                )
                conn.execute(
                    text(
                        "INSERT INTO timers (instance_id, tenant_id, task_id, bpmn_id, name, kind, "
                        "scheduled_for, due_at, remaining, status, attempts, created_at) VALUES "
                        "(:instance_id, :tenant_id, :task_id, :bpmn_id, :name, :kind, :scheduled_for, "
                        ":due_at, :remaining, :status, 0, :created_at)"
                    ),
                    batch_timer,
                )
                batch_inst, batch_timer = [], []
    engine.dispose()


def _fire_all(url: str, processes: int, count: int) -> dict:
    env = {
        **os.environ,
        "KIM_DATABASE_URL": url,
        "KIM_CLOCK_OFFSET_SECONDS": "60",
        "KIM_LOG_LEVEL": "WARNING",
    }
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [KIM, "scheduler", "--once"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(processes)
    ]
    outs = [p.communicate()[0] for p in procs]
    seconds = time.perf_counter() - started
    counts = [json.loads(o.strip().splitlines()[-1]) if o.strip() else {} for o in outs]
    engine, sessions = _sessions(url)
    with sessions() as s:
        per_instance = s.execute(
            text(
                "SELECT count(*), sum(CASE WHEN c = 1 THEN 1 ELSE 0 END), sum(CASE WHEN c > 1 THEN 1 ELSE 0 "
                "END) "
                "FROM (SELECT instance_id, count(*) AS c FROM history WHERE bpmn_id = 'wait' "
                "GROUP BY instance_id) AS per_instance"
            )
        ).one()
        left = s.scalar(text("SELECT count(*) FROM timers"))
    engine.dispose()
    return {
        "name": f"fire_{count}_due_at_once",
        "database": url.split(":", 1)[0],
        "scheduler_processes": processes,
        "seconds": round(seconds, 1),
        "timers_per_second": round(count / seconds),
        "fired_by_process": [c.get("fired", 0) for c in counts],
        "instances_fired": per_instance[0],
        "fired_exactly_once": per_instance[1],
        "fired_more_than_once": per_instance[2] or 0,
        "timers_left": left,
    }


def loads_while_waiting(url: str, seconds: float) -> dict:
    """An in-process scheduler beside `count` instances whose timers are not due: count loads."""
    from engine.scheduler import TimerScheduler
    from engine.timers.service import next_due
    from engine.workflow import runtime

    engine, sessions = _sessions(url)
    clock.advance(timedelta(hours=-1))  # none of the timers is due for the next hour
    before = runtime.STATS["loads"]
    sched = TimerScheduler(sessions, watch_seconds=0.5).start()
    time.sleep(seconds)
    sched.shutdown()
    clock.reset()
    loads = runtime.STATS["loads"] - before
    samples = []
    with sessions() as s:
        for _ in range(200):
            t0 = time.perf_counter_ns()
            next_due(s)
            samples.append((time.perf_counter_ns() - t0) / 1e6)
    engine.dispose()
    return {
        "name": "instance_loads_while_waiting",
        "seconds": seconds,
        "instance_loads": loads,
        "fired": sched.counts.get("fired", 0),
        "next_due_query_median_ms": round(statistics.median(samples), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timers", type=int, default=100_000)
    parser.add_argument("--lateness", type=int, default=20)
    parser.add_argument(
        "--parts", default="lateness,loads,fire", help="comma-separated subset of lateness, loads, fire"
    )
    parser.add_argument("--postgres", default=None, help="admin URL of a PostgreSQL server (default: SQLite)")
    args = parser.parse_args()
    global POSTGRES
    POSTGRES = args.postgres
    # One data key for this process and every `kim` it starts (states are encrypted at rest).
    if not os.environ.get("KIM_DATA_KEYS"):
        from cryptography.fernet import Fernet

        os.environ["KIM_DATA_KEYS"] = Fernet.generate_key().decode()
    parts = set(args.parts.split(","))
    work = Path(tempfile.mkdtemp(prefix="kim-bench-timers-"))
    try:
        if "lateness" in parts:
            print(json.dumps(lateness(args.lateness, work)), flush=True)
        template = work / "many"
        template.mkdir()
        url = _setup(template)
        log(f"creating {args.timers} waiting instances ...")
        _many_waiting(url, args.timers)
        if "loads" in parts:
            print(json.dumps(loads_while_waiting(url, 10.0)), flush=True)
        for processes in (1, 2) if "fire" in parts else ():
            run_dir = work / f"run{processes}"
            run_dir.mkdir()
            run_url = _copy(url, run_dir)
            log(f"firing {args.timers} timers with {processes} scheduler process(es) ...")
            print(json.dumps(_fire_all(run_url, processes, args.timers)), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        _drop_all()


if __name__ == "__main__":
    main()
