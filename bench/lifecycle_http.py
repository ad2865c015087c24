"""End-to-end latency of the case lifecycle over real HTTP, plus the raw engine cycle.

Starts its own production server (gunicorn via ``kim serve``) on a fresh SQLite database in a
temporary directory, fills it with open cases, and measures over loopback HTTP:

* open-case:      POST /api/v1/cases
* inbox:          GET /api/v1/tasks?per_page=100 (a page of 100 ready tasks)
* complete-task:  POST /api/v1/tasks/{id}/complete on an evaluation task of a case with
                  1 prior evaluation, and of a case with N (default 1,000) prior evaluations;
                  with ``--household M --referrals R`` also of a family's case: M household members
                  (added over the API, releases for every member), R referrals sent beside the
                  accompaniment, each its own referral process.

Every kind of request is then sent again to the same app served in this process (bench/sql_count.py),
which counts its SQL statements and database round trips (BEGIN and COMMIT included) per request.
``--database-url`` runs all of it on PostgreSQL (an empty database) instead of a fresh SQLite file.

Before that, in the same process, the raw engine cycle (load -> complete -> save) for our engine layer
(``engine.workflow``: specless state, pruning) and for plain SpiffWorkflow (default serializer with
the spec embedded in the state, no pruning, no spec cache) at the same evaluation counts.

Usage:  .venv/bin/python bench/lifecycle_http.py [--other-cases 10000] [--evaluations 1000]
                                                 [--samples 200] [--port 5077] [--workers 1] [--client http]
                                                 [--household 8 --referrals 20]
                                                 [--database-url postgresql+psycopg://.../empty_db]
                                                 [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's engine and api
from bench_common import (
    MUNICIPALITY,
    PAYLOADS,
    RAW_MIDPOINT,
    ROOT,
    TARGET_MEDIAN_MS,
    TARGET_RATIO,
    USER,
    log,
    summarize,
)
from raw_engine import run_engine_layer, run_plain_spiff
from sql_count import StatementCounter, serve_in_thread
from thin_http import ThinClient


def _cpu_busy_ticks() -> int | None:
    """Busy CPU ticks of the whole machine (Linux), to spot other load during a measurement."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
        return user + nice + system + irq + softirq + steal
    except (OSError, ValueError):
        return None


def _process_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(stat[11]) + int(stat[12])  # utime, stime
        except (OSError, ValueError, IndexError):
            pass
    return total


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                pass
    return out


class ForeignLoad:
    """CPU used by processes other than this script and its server, in cores, over a period."""

    def __init__(self, server_pid: int | None = None):
        self.server_pid = server_pid
        self.cores: float | None = None

    def _ours(self) -> int:
        if self.server_pid is None:
            return _process_ticks([os.getpid()])
        return _process_ticks([os.getpid(), self.server_pid, *_children(self.server_pid)])

    def __enter__(self):
        self.t0, self.busy0, self.ours0 = time.monotonic(), _cpu_busy_ticks(), self._ours()
        return self

    def __exit__(self, *exc):
        busy1, ours1 = _cpu_busy_ticks(), self._ours()
        seconds = time.monotonic() - self.t0
        if self.busy0 is None or busy1 is None or seconds <= 0:
            self.cores = None
        else:
            hz = os.sysconf("SC_CLK_TCK")
            self.cores = max(0.0, ((busy1 - self.busy0) - (ours1 - self.ours0)) / hz / seconds)
        return False


# --------------------------------------------------------------------------- server


def _kim_command() -> list[str]:
    script = Path(sys.executable).with_name("kim")
    return [str(script)] if script.exists() else [sys.executable, "-m", "api.cli"]


def _port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Server:
    """A ``kim serve`` (gunicorn) process on a fresh database in a temporary directory."""

    def __init__(self, port: int, workers: int, database_url: str | None = None, threads: int = 4):
        self.port = port
        self.database_url = database_url
        self.workers = workers
        self.data_dir = Path(tempfile.mkdtemp(prefix="kim-bench-"))
        self.base = f"http://127.0.0.1:{port}/api/v1"
        self.env = {
            **os.environ,
            "KIM_DATA_DIR": str(self.data_dir),
            "KIM_DEMO": "1",
            "KIM_PORT": str(port),
            "KIM_WORKERS": str(workers),
            "KIM_THREADS": str(threads),
            "KIM_LOG_LEVEL": "WARNING",
            # `kim` of the virtualenv imports this checkout's code, not the one it was installed from
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        for key in ("KIM_DATABASE_URL", "KIM_PROCESSES_DIR", "KIM_FORMS_DIR", "KIM_SEED_FILE"):
            self.env.pop(key, None)
        if database_url:
            self.env["KIM_DATABASE_URL"] = database_url
        self.proc: subprocess.Popen | None = None
        self._log = None

    @property
    def db_path(self) -> Path:
        return self.data_dir / "kim.db"

    def start(self) -> None:
        if _port_in_use(self.port):
            raise SystemExit(f"Port {self.port} is already in use; pick another with --port.")
        subprocess.run(
            [*_kim_command(), "setup"], env=self.env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL
        )
        self._log = open(self.data_dir / "server.log", "wb")  # noqa: SIM115 - the server writes it until stop()
        self.proc = subprocess.Popen(
            [*_kim_command(), "serve"],
            env=self.env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("The server exited during start-up:\n" + self.log_tail())
            try:
                if requests.get(self.base + "/health", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise SystemExit("The server did not become healthy within 60 s:\n" + self.log_tail())

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = (self.data_dir / "server.log").read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, keep: bool = False) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # gunicorn master: graceful stop of its workers
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the session this script started
                self.proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
        if not keep:
            shutil.rmtree(self.data_dir, ignore_errors=True)


# --------------------------------------------------------------------------- HTTP client


class Client:
    """Thin JSON client: timed exchanges over one keep-alive ``http.client`` connection per thread
    (bench/thin_http.py), or over a ``requests.Session`` per thread with ``thin=False`` (the client of
    the figures before 3 December 2026, afternoon). Setup and sign-in use ``requests``."""

    def __init__(self, base: str, thin: bool = True):
        self.base = base
        self.token: str | None = None
        self._local = threading.local()
        self._thin = ThinClient(base) if thin else None

    @property
    def session(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            s = requests.Session()
            if self.token:
                s.headers["Authorization"] = f"Bearer {self.token}"
            self._local.session = s
        return s

    def login(self) -> None:
        r = requests.post(self.base + "/auth/token", json=USER, timeout=30)
        r.raise_for_status()
        self.token = r.json()["access_token"]

    def _timed(self, method: str, path: str, body: dict | None) -> tuple[int, int, bytes]:
        if self._thin is not None:
            headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
            payload = None
            if body is not None:
                payload = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            return self._thin.exchange(method, path, payload, headers)
        session = self.session
        t0 = time.perf_counter_ns()
        r = session.request(method, self.base + path, json=body, timeout=60)
        elapsed = time.perf_counter_ns() - t0
        return elapsed, r.status_code, r.content

    def timed_post(self, path: str, body: dict, expect: int) -> tuple[int, dict]:
        """POST and return (elapsed ns of the request/response exchange alone, parsed body)."""
        elapsed, status, raw = self._timed("POST", path, body)
        if status != expect:
            raise RuntimeError(f"POST {path} -> {status}: {raw[:500]!r}")
        return elapsed, json.loads(raw)

    def timed_get(self, path: str) -> tuple[int, dict]:
        elapsed, status, raw = self._timed("GET", path, None)
        if status != 200:
            raise RuntimeError(f"GET {path} -> {status}: {raw[:500]!r}")
        return elapsed, json.loads(raw)

    # -- domain helpers

    def open_case(self, i: int) -> tuple[int, dict]:
        body = {
            "municipality": MUNICIPALITY,
            "client": {"given_name": "Bench", "family_name": f"Fall{i:06d}", "birth_date": "1990-01-01"},
        }
        return self.timed_post("/cases", body, 201)

    def complete(self, task: dict) -> tuple[int, dict]:
        return self.timed_post(f"/tasks/{task['id']}/complete", {"data": PAYLOADS[task["bpmn_id"]]}, 200)


def _only_task(tasks: list[dict], bpmn_id: str | None = None) -> dict:
    if len(tasks) != 1 or (bpmn_id and tasks[0]["bpmn_id"] != bpmn_id):
        raise RuntimeError(f"expected one {bpmn_id or 'ready'} task, got {[t['bpmn_id'] for t in tasks]}")
    return tasks[0]


def advance_to_evaluation(client: Client, case: dict, prior_evaluations: int) -> dict:
    """Complete tasks until ``prior_evaluations`` evaluations are done; returns the ready one."""
    task = _only_task(case["open_tasks"], "first_contact")
    done = 0
    while True:
        if task["bpmn_id"] == "evaluation" and done == prior_evaluations:
            return task
        _, out = client.complete(task)
        done += task["bpmn_id"] == "evaluation"
        task = _only_task(out["next_tasks"])


HOUSEHOLD = [  # (relationship, given name, birth date) of the members after the case's person
    ("partner", "Lina", "1992-06-01"),
    ("child", "Samir", "2012-09-14"),
    ("child", "Nour", "2021-03-03"),
    ("child", "Yara", "2016-05-20"),
    ("child", "Omar", "2018-11-02"),
    ("parent", "Huda", "1955-02-02"),
    ("sibling", "Rami", "1988-07-07"),
]
NEEDS = ["residence", "work_training", "housing", "education", "childcare", "health", "language"]


def _agencies() -> list[str]:
    """The agencies of the referral form (forms/referral.json), in its order."""
    form = json.loads((ROOT / "forms" / "referral.json").read_text())
    return form["properties"]["agency"]["enum"]


def household_case(client: Client, members: int, referrals: int) -> dict:
    """A family's case at its evaluation #2: ``members`` household members, releases towards every
    agency for all of them, ``referrals`` referrals (agencies in turn, one to three members each) sent
    between the assessment and the goal agreement; returns the ready evaluation task."""
    if not 1 <= members <= len(HOUSEHOLD) + 1:
        raise SystemExit(f"--household must be 1 .. {len(HOUSEHOLD) + 1}")
    _, case = client.open_case(3 * 10**6)
    cid = case["id"]
    task = _only_task(case["open_tasks"], "first_contact")
    while task["bpmn_id"] != "assessment":
        _, out = client.complete(task)
        task = _only_task(out["next_tasks"])
    ids = [client.timed_get(f"/cases/{cid}/members")[1]["items"][0]["id"]]
    for relationship, given, born in HOUSEHOLD[: members - 1]:
        body = {
            "given_name": given,
            "family_name": "Haddad",
            "relationship": relationship,
            "birth_date": born,
        }
        ids.append(client.timed_post(f"/cases/{cid}/members", body, 201)[1]["id"])
    # yesterday: the referrals' reminders (14 days) stay ahead, so no follow-up task interferes
    day = (date.today() - timedelta(days=1)).isoformat()
    agencies = _agencies()
    for agency in agencies[: min(referrals, len(agencies))]:
        given = PAYLOADS["consent"]["confidentiality_release_agencies"]  # the person's, by the form
        who = ids[1:] if agency in given else ids
        if who:
            client.timed_post(
                f"/cases/{cid}/consents", {"agency": agency, "given_on": day, "member_ids": who}, 201
            )
    _, out = client.complete(task)
    for i in range(referrals):
        body = {
            "agency": agencies[i % len(agencies)],
            "member_ids": [ids[(i + k) % len(ids)] for k in range(1 + i % min(3, len(ids)))],
            "need": NEEDS[i % len(NEEDS)],
            "reason": f"Verweisung {i + 1}",
            "referral_date": day,
        }
        client.timed_post(f"/cases/{cid}/referrals", body, 201)
    task = _only_task(out["next_tasks"], "goal_agreement")
    done = 0
    while not (task["bpmn_id"] == "evaluation" and done == 1):
        _, out = client.complete(task)
        done += task["bpmn_id"] == "evaluation"
        (task,) = [t for t in out["next_tasks"] if t["bpmn_id"] in ("evaluation", "goal_agreement")]
    return task


def parallel(fn, items, threads: int, label: str) -> list:
    """Run ``fn`` over ``items`` on a thread pool, with a progress line; keeps the order."""
    total = len(items)
    results = [None] * total
    done = 0
    lock = threading.Lock()
    started = time.monotonic()

    def run(idx_item):
        nonlocal done
        idx, item = idx_item
        results[idx] = fn(item)
        with lock:
            done += 1
            if done % 250 == 0 or done == total:
                rate = done / max(time.monotonic() - started, 1e-9)
                print(f"\r  {label}: {done}/{total} ({rate:.0f}/s)", end="", file=sys.stderr, flush=True)

    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        list(pool.map(run, enumerate(items)))
    if total:
        print(file=sys.stderr, flush=True)
    return results


INBOX = "/tasks?per_page=100"


def measure_rounds(
    client: Client,
    n: int,
    small_cases: list[dict],
    big_task: dict,
    series: dict[str, list[int]],
    house_task: dict | None = None,
) -> dict:
    """Interleaved rounds, so that drift affects every series alike; returns the next tasks."""
    for i in range(n):
        ns, _ = client.open_case(2 * 10**6 + i)
        series["open"].append(ns)
        ns, out = client.complete(small_cases[i])
        _only_task(out["next_tasks"], "evaluation")
        series["small"].append(ns)
        ns, out = client.complete(big_task)
        big_task = _only_task(out["next_tasks"], "evaluation")
        series["big"].append(ns)
        ns, page = client.timed_get(INBOX)
        if len(page["items"]) != 100:
            raise RuntimeError(f"the inbox page holds {len(page['items'])} tasks, not 100")
        series["inbox"].append(ns)
        ns, _ = client.timed_get("/health")
        series["health"].append(ns)
        if house_task is not None:
            ns, out = client.complete(house_task)
            house_task = _only_task(out["next_tasks"], "evaluation")
            series["house"].append(ns)
    return {"big": big_task, "house": house_task}


def count_statements(
    server: Server, token: str, port: int, small_cases: list[dict], tasks: dict, n: int
) -> tuple[dict[str, dict], list[str]]:
    """Each kind of request ``n`` times more, to the same app served in this process, counting its SQL.

    Returns per series the most frequent count (every sample must agree within one statement) and the
    SQL of one complete-task request."""
    os.environ.update({k: v for k, v in server.env.items() if k.startswith("KIM_")})
    from api.app import create_app
    from api.cli_common import settings as load_settings

    app = create_app(load_settings())
    counter = StatementCounter(app.extensions["kim"]["engine"])
    stop = serve_in_thread(app, port)
    client = Client(f"http://127.0.0.1:{port}/api/v1")
    client.token = token
    samples: dict[str, list[dict]] = {k: [] for k in ("open", "small", "big", "inbox", "health", "house")}
    big, house = tasks["big"], tasks["house"]
    try:
        client.timed_get("/health")  # the pool's first connection is not part of any sample
        counter.take()
        for i in range(n):
            client.open_case(4 * 10**6 + i)
            samples["open"].append(counter.take())
            out = client.complete(small_cases[i])[1]
            _only_task(out["next_tasks"], "evaluation")
            samples["small"].append(counter.take())
            big = _only_task(client.complete(big)[1]["next_tasks"], "evaluation")
            samples["big"].append(counter.take())
            client.timed_get(INBOX)
            samples["inbox"].append(counter.take())
            client.timed_get("/health")
            samples["health"].append(counter.take())
            if house is not None:
                house = _only_task(client.complete(house)[1]["next_tasks"], "evaluation")
                samples["house"].append(counter.take())
    finally:
        stop()
        app.extensions["kim"]["engine"].dispose()
    out: dict[str, dict] = {}
    for key, got in samples.items():
        if got:
            stmts = sorted(s["statements"] for s in got)
            trips = sorted(s["round_trips"] for s in got)
            out[key] = {"statements": stmts[len(stmts) // 2], "round_trips": trips[len(trips) // 2]}
    return out, samples["small"][-1]["sql"] if samples["small"] else []


def run_http(args) -> tuple[list[dict], dict]:
    server = Server(args.port, args.workers, args.database_url, args.threads)
    info: dict = {}
    where = args.database_url.split("@")[-1] if args.database_url else f"database {server.db_path}"
    log(
        f"Starting server on 127.0.0.1:{args.port} (kim serve, {args.workers} worker(s), "
        f"KIM_THREADS={args.threads}), {where}"
    )
    try:
        server.start()
        client = Client(server.base, thin=args.client == "http")
        client.login()
        n, warm, counted = args.samples, args.warmup, args.count_samples

        t0 = time.monotonic()
        parallel(
            client.open_case,
            list(range(args.other_cases)),
            args.setup_threads,
            "other open cases",
        )
        info["other_cases_setup_s"] = round(time.monotonic() - t0, 1)

        # Cases for the 1-prior-evaluation samples (warm-up and counting): each waits at evaluation #2.
        base_no = args.other_cases
        small_cases = parallel(
            lambda i: advance_to_evaluation(client, client.open_case(base_no + i)[1], 1),
            list(range(n + warm + counted)),
            args.setup_threads,
            "cases at evaluation #2",
        )
        # The long-running case: N evaluations done, evaluation N+1 waits.
        log(f"  long-running case: completing {args.evaluations} evaluations ...")
        _, big_case = client.open_case(base_no + n + warm + counted)
        big_task = advance_to_evaluation(client, big_case, args.evaluations)

        house_task = None
        if args.household:
            log(f"  household case: {args.household} members, {args.referrals} referrals ...")
            house_task = household_case(client, args.household, args.referrals)

        # Warm-up: the same kinds of requests on cases that are not measured.
        for i in range(warm):
            client.open_case(10**6 + i)
            _, out = client.complete(small_cases[n + i])
            client.complete(_only_task(out["next_tasks"], "evaluation"))
            client.timed_get(INBOX)
            client.timed_get("/health")

        _, listing = client.timed_get("/cases?status=open&per_page=1")
        info["open_cases_at_start"] = listing["total"]
        log(f"  measuring {n} rounds over {listing['total']} open cases ...")

        series: dict[str, list[int]] = {k: [] for k in ("open", "small", "big", "inbox", "health", "house")}
        foreign = ForeignLoad(server.proc.pid)
        with foreign:
            tasks = measure_rounds(client, n, small_cases, big_task, series, house_task)
        info["foreign_cpu_cores"] = None if foreign.cores is None else round(foreign.cores, 2)

        _, listing = client.timed_get("/cases?status=open&per_page=1")
        info["open_cases_at_end"] = listing["total"]
        if not args.database_url:
            con = sqlite3.connect(server.db_path)
            try:
                info["db_rows"] = {
                    t: con.execute(f"select count(*) from {t}").fetchone()[0]
                    for t in ("cases", "process_instances", "tasks", "history")
                    if con.execute("select 1 from sqlite_master where name=?", (t,)).fetchone()
                }
            finally:
                con.close()
            info["db_mb"] = round(server.db_path.stat().st_size / 2**20, 1)

        log(f"  counting SQL statements: {counted} requests of each kind, app in this process ...")
        assert client.token is not None
        counts, info["complete_task_sql"] = count_statements(
            server, client.token, args.port + 1, small_cases[n + warm :], tasks, counted
        )
        last = args.evaluations + n - 1
        names = {
            "open": ("HTTP open-case (POST /cases)", {}),
            "small": ("HTTP complete-task, 1 prior evaluation", {"prior": 1}),
            "big": (
                f"HTTP complete-task, {args.evaluations:,} prior evaluations",
                {"prior": args.evaluations, "prior_last": last},
            ),
            "inbox": ("HTTP inbox, 100 tasks (GET /tasks?per_page=100)", {}),
            "health": ("HTTP floor: GET /health", {}),
            "house": (
                f"HTTP complete-task, household {args.household}, {args.referrals} referrals",
                {"prior": 1, "prior_last": n},
            ),
        }
        rows = []
        for key, (name, extra) in names.items():
            if series[key]:
                rows.append(summarize(name, series[key], kind=key, **extra, **counts.get(key, {})))
        return rows, info
    except BaseException:
        log("Server log (tail):\n" + server.log_tail())
        raise
    finally:
        server.stop(keep=args.keep)
        if args.keep:
            log(f"  kept {server.data_dir}")


def machine_info() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        code_paths = ["engine", "api", "processes", "forms", "pyproject.toml"]
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", *code_paths],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        commit += " (engine/api/processes/forms with uncommitted changes)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "commit": commit,
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "spiffworkflow": metadata.version("SpiffWorkflow"),
        "gunicorn": metadata.version("gunicorn"),
    }


def print_table(rows: list[dict], engine_ms: float | None = None) -> None:
    """Median, p95, SQL statements and round trips per request, and the ratio to the engine cycle."""
    head = (
        f"{'measurement':<58} {'n':>5} {'median ms':>10} {'p95 ms':>9} {'stmts':>6} {'trips':>6} "
        f"{'x engine':>9} {'state KB':>9}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        kb = f"{r['state_kb']:.1f}" if "state_kb" in r else ""
        stmts = str(r["statements"]) if "statements" in r else ""
        trips = str(r["round_trips"]) if "round_trips" in r else ""
        ratio = f"{r['median_ms'] / engine_ms:.2f}x" if engine_ms and "kind" in r else ""
        print(
            f"{r['name']:<58} {r['n']:>5} {r['median_ms']:>10.2f} {r['p95_ms']:>9.2f} {stmts:>6} {trips:>6} "
            f"{ratio:>9} {kb:>9}"
        )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    ap.add_argument("--other-cases", type=int, default=10_000, help="open cases created first")
    ap.add_argument(
        "--evaluations", type=int, default=1_000, help="prior evaluations of the long-running case"
    )
    ap.add_argument("--samples", type=int, default=200, help="samples per measurement")
    ap.add_argument("--warmup", type=int, default=20, help="warm-up requests/cycles per series")
    ap.add_argument("--port", type=int, default=5077)
    ap.add_argument("--workers", type=int, default=1, help="gunicorn workers")
    ap.add_argument("--threads", type=int, default=4, help="threads per worker (KIM_THREADS; 0: sync worker)")
    ap.add_argument(
        "--client",
        choices=("http", "requests"),
        default="http",
        help="the timing client: http.client (bench/thin_http.py) or a requests.Session (figures before "
        "3 December 2026, afternoon)",
    )
    ap.add_argument("--setup-threads", type=int, default=4, help="client threads for the setup")
    ap.add_argument("--json", type=Path, help="write the results as JSON to this file")
    ap.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    ap.add_argument("--skip-http", action="store_true", help="only measure the raw engine cycles")
    ap.add_argument(
        "--household", type=int, default=0, help="also measure a family's case with this many members"
    )
    ap.add_argument("--referrals", type=int, default=20, help="referrals sent on the family's case")
    ap.add_argument(
        "--database-url", help="an empty PostgreSQL database to run on instead of a fresh SQLite file"
    )
    ap.add_argument(
        "--count-samples", type=int, default=10, help="requests of each kind whose SQL statements are counted"
    )
    ap.add_argument("--show-sql", action="store_true", help="print the SQL of one complete-task request")
    args = ap.parse_args(argv)
    if args.samples < 1 or args.evaluations < 2:
        ap.error("--samples must be >= 1 and --evaluations >= 2")

    machine = machine_info()
    log(
        f"Machine: {machine['nproc']} cores ({machine['cpu']}), Python {machine['python']}, "
        f"SpiffWorkflow {machine['spiffworkflow']}, SQLite {machine['sqlite']}"
    )
    started = time.monotonic()
    load_before = os.getloadavg()
    # The raw engine cycles first, while no server runs.
    log("Raw engine cycles ...")
    raw_load = ForeignLoad()
    with raw_load:
        engine_rows = run_engine_layer(args, [1, args.evaluations])
        raw_points = sorted(
            {1, args.evaluations} | ({RAW_MIDPOINT} if args.evaluations > RAW_MIDPOINT else set())
        )
        spiff_rows, spiff_info = run_plain_spiff(args, raw_points)
    http_rows, info = ([], {}) if args.skip_http else run_http(args)
    info.update(spiff_info)
    info["foreign_cpu_cores_raw"] = None if raw_load.cores is None else round(raw_load.cores, 2)
    rows = http_rows + engine_rows + spiff_rows
    info["total_s"] = round(time.monotonic() - started, 1)
    info["loadavg_before"], info["loadavg_after"] = load_before, os.getloadavg()

    print()
    print(
        f"KIM lifecycle benchmark: {args.other_cases:,} other open cases, {args.evaluations:,} "
        f"prior evaluations, {args.samples} samples (+{args.warmup} warm-up), "
        f"{args.workers} gunicorn worker(s), KIM_THREADS={args.threads}, client: {args.client}"
    )
    print(
        f"machine: {machine['nproc']} cores ({machine['cpu']}), Python {machine['python']}, "
        f"SpiffWorkflow {machine['spiffworkflow']}, SQLite {machine['sqlite']}"
    )
    print(
        f"code: commit {machine['commit']}; load average before/after: "
        f"{info['loadavg_before'][0]:.2f} / {info['loadavg_after'][0]:.2f}"
    )
    if "open_cases_at_start" in info:
        print(
            f"open cases in the database while measuring: {info['open_cases_at_start']:,} -> "
            f"{info['open_cases_at_end']:,}" + (f"; database {info['db_mb']} MB" if "db_mb" in info else "")
        )
    if info.get("foreign_cpu_cores") is not None or info.get("foreign_cpu_cores_raw") is not None:

        def cores(key):
            return "n/a" if info.get(key) is None else f"{info[key]:.2f}"

        print(
            f"CPU used by other processes (cores; 0 = quiet machine): during the HTTP "
            f"measurement {cores('foreign_cpu_cores')}, during the raw engine cycles "
            f"{cores('foreign_cpu_cores_raw')}"
        )
    print()
    engine_ms = engine_rows[0]["median_ms"]
    print_table(rows, engine_ms)
    print(
        f"stmts: SQL statements per request, BEGIN/COMMIT not included; trips: database round trips "
        f"(statements, BEGIN, COMMIT, ROLLBACK, ping of a rested connection); "
        f"x engine: median / engine layer cycle "
        f"({engine_ms:.2f} ms, 1 prior evaluation, same run); database: "
        f"{'PostgreSQL' if args.database_url else 'SQLite'}"
    )
    if args.show_sql and info.get("complete_task_sql"):
        print("SQL of one complete-task request (1 prior evaluation):")
        for i, text in enumerate(info["complete_task_sql"], 1):
            print(f"  {i:>2}. {text[:160]}")
    if http_rows:
        print(
            f"the long-running case has {args.evaluations:,} prior evaluations at the first HTTP sample "
            f"and {http_rows[2]['prior_last']:,} at the last; each 1-evaluation sample is a different case"
        )
    if any(r.get("iterator_depth_lifted") for r in rows):
        print(
            f"* plain SpiffWorkflow stops advancing after "
            f"{info.get('plain_spiff_stalls_after_evaluations')} evaluations of this loop (its task "
            "iterator stops at depth 1000); measured with that limit lifted"
        )
    print()

    verdict = {}
    if http_rows:
        one, many = http_rows[1], http_rows[2]
        ratio = many["median_ms"] / one["median_ms"]
        worst = max(one["median_ms"], many["median_ms"])
        verdict = {
            "http_complete_ratio": ratio,
            "ratio_target": TARGET_RATIO,
            "ratio_met": ratio <= TARGET_RATIO,
            "median_target_ms": TARGET_MEDIAN_MS,
            "median_met": worst <= TARGET_MEDIAN_MS,
        }
        print(
            f"HTTP complete-task, median {args.evaluations:,} evals / 1 eval: {ratio:.2f}x "
            f"(target <= {TARGET_RATIO}x: {'met' if verdict['ratio_met'] else 'MISSED'})"
        )
        print(
            f"HTTP complete-task median: {one['median_ms']:.2f} ms / {many['median_ms']:.2f} ms "
            f"(target <= {TARGET_MEDIAN_MS} ms: {'met' if verdict['median_met'] else 'MISSED'})"
        )
        if len(http_rows) > 5:
            house = http_rows[5]
            verdict["household_ratio"] = house["median_ms"] / one["median_ms"]
            print(
                f"HTTP complete-task (evaluation), household of {args.household} with {args.referrals} "
                f"referrals / one-person case: {house['median_ms']:.2f} ms / {one['median_ms']:.2f} ms "
                f"= {verdict['household_ratio']:.2f}x (the household case's evaluations run one after "
                f"another: 1 prior evaluation at the first sample, {args.samples} at the last)"
            )
    e1, en = engine_rows[:2]
    print(
        f"engine layer cycle, median {args.evaluations:,} / 1: {en['median_ms'] / e1['median_ms']:.2f}x; "
        f"plain SpiffWorkflow: {spiff_rows[-1]['median_ms'] / spiff_rows[0]['median_ms']:.1f}x"
    )
    print(f"total run time {info['total_s']:.0f} s")

    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
                    "machine": machine,
                    "info": info,
                    "results": rows,
                    "verdict": verdict,
                },
                indent=2,
            )
            + "\n"
        )
        log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
