"""Read paths on the state-wide PostgreSQL dataset (bench/statewide.py), through the API, next to
the raw SQL of the same queries.

    KIM_DATA_KEYS=<key> .venv/bin/python bench/statewide_queries.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:55433/kim_statewide [--samples 200]

In-process Flask test client (create_app, the production app; no HTTP), one request at a time:

- inbox: GET /api/v1/tasks as case managers of --users different scopes (municipalities and teams);
- case search: GET /api/v1/cases?q=<first three letters of a family name> as the same users;
- figures of one county: GET /api/v1/reports/figures?school_year=2024/25 as the coordinator of the
  largest tenant (by cases) and of a median one;
- all of NRW: there is no state-level role (figures are per tenant: coordinators and the
  Lenkungsgruppe of a tenant), so it is measured two ways: the figures endpoint for all 53 tenants
  one after another (53 coordinators), and one aggregate SQL over programme_events for the year.

"raw" is the same work without the app: every SELECT on a big table that the request sent
(captured with a before_cursor_execute event), executed again with the same parameters on a plain
psycopg connection and timed together. api/raw is the ratio. Prints JSON lines.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from sqlalchemy import event

from bench.bench_common import log, summarize

BIG = (
    "cases",
    "history",
    "tasks",
    "process_instances",
    "timers",
    "audit_log",
    "followups",
    "programme_events",
    "consents",
)


class Capture:
    def __init__(self, engine):
        self.statements = []
        event.listen(engine, "before_cursor_execute", self._on)

    def _on(self, conn, cursor, statement, parameters, context, executemany):
        words = statement.replace("(", " ").replace(",", " ").split()
        if words and words[0].upper() == "SELECT" and any(w in BIG for w in words) and not executemany:
            self.statements.append((statement, parameters))

    def take(self):
        out, self.statements = self.statements, []
        return out


def _raw(conn, statements) -> int:
    t0 = time.perf_counter_ns()
    with conn.cursor() as cur:
        for statement, parameters in statements:
            cur.execute(statement.replace("FOR UPDATE", ""), parameters)
            cur.fetchall()
    conn.rollback()
    return time.perf_counter_ns() - t0


def measure(name, client, capture, raw_conn, calls, warmup: int) -> dict:
    """calls: list of (path, headers); each timed through the app, then its SELECTs raw."""
    api_ns, raw_ns, sizes = [], [], []
    for k, (path, headers) in enumerate(calls):
        capture.take()
        t0 = time.perf_counter_ns()
        r = client.get(path, headers=headers)
        elapsed = time.perf_counter_ns() - t0
        assert r.status_code == 200, (path, r.status_code, r.get_data(as_text=True)[:300])
        statements = capture.take()
        raw = _raw(raw_conn, statements)
        if k >= warmup:
            api_ns.append(elapsed)
            raw_ns.append(raw)
            body = r.get_json(silent=True) or {}
            if "total" in body:
                sizes.append(body["total"])
    a, b = summarize(name, api_ns), summarize(name + " raw", raw_ns)
    out = {
        "name": name,
        "n": a["n"],
        "api_median_ms": round(a["median_ms"], 2),
        "api_p95_ms": round(a["p95_ms"], 2),
        "raw_median_ms": round(b["median_ms"], 2),
        "raw_p95_ms": round(b["p95_ms"], 2),
        "ratio_median": round(a["median_ms"] / b["median_ms"], 2),
        "ratio_p95": round(a["p95_ms"] / b["p95_ms"], 2),
    }
    if sizes:
        sizes.sort()
        out["result_total"] = {"min": sizes[0], "median": sizes[len(sizes) // 2], "max": sizes[-1]}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=os.environ.get("KIM_DATABASE_URL"))
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument(
        "--users", type=int, default=50, help="case managers (one per scope) to spread requests over"
    )
    parser.add_argument("--school-year", default="2024/25")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    os.environ["KIM_DATABASE_URL"] = args.database_url
    os.environ.setdefault("KIM_LOG_LEVEL", "WARNING")
    os.environ["KIM_SCHEDULER"] = "external"
    from api.app import create_app
    from engine.config import Settings

    app = create_app(Settings.from_env())
    engine = app.extensions["kim"]["engine"]
    client = app.test_client()
    capture = Capture(engine)
    raw_conn = psycopg.connect(args.database_url.replace("postgresql+psycopg://", "postgresql://", 1))
    rng = random.Random(args.seed)

    with raw_conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM cases")
        n_cases = cur.fetchone()[0]
        # one case manager per scope (the "-1" account of each municipality and team)
        cur.execute(
            "SELECT username FROM users WHERE role = 'case_manager' AND username LIKE 'cm-%-1' ORDER BY id"
        )
        cms = [r[0] for r in cur.fetchall()]
        cur.execute(
            "SELECT t.key, count(*) FROM cases c JOIN tenants t ON t.id = c.tenant_id GROUP BY t.key "
            "ORDER BY count(*) DESC"
        )
        tenants = cur.fetchall()
        cur.execute(
            "SELECT DISTINCT substr(family_name, 1, 3) FROM cases WHERE anonymised_at IS NULL "
            "AND mod(id, 997) = 0"
        )
        prefixes = sorted(r[0] for r in cur.fetchall())
    raw_conn.rollback()
    log(f"{n_cases:,} cases, {len(cms)} case manager scopes, {len(tenants)} tenants")

    def login(username):
        r = client.post("/api/v1/auth/token", json={"username": username, "password": "demo"})
        assert r.status_code == 200, r.get_json()
        return {"Authorization": "Bearer " + r.get_json()["access_token"]}

    users = rng.sample(cms, min(args.users, len(cms)))
    headers = {u: login(u) for u in users}
    n = args.samples + args.warmup
    results = []

    calls = [("/api/v1/tasks", headers[users[k % len(users)]]) for k in range(n)]
    results.append(measure("inbox GET /api/v1/tasks", client, capture, raw_conn, calls, args.warmup))
    print(json.dumps(results[-1]), flush=True)

    calls = [(f"/api/v1/cases?q={rng.choice(prefixes)}", headers[users[k % len(users)]]) for k in range(n)]
    results.append(
        measure("case search GET /api/v1/cases?q=<3 letters>", client, capture, raw_conn, calls, args.warmup)
    )
    print(json.dumps(results[-1]), flush=True)

    year = args.school_year
    figures = f"/api/v1/reports/figures?school_year={year}"
    largest, median = tenants[0][0], tenants[len(tenants) // 2][0]
    for key in (largest, median):
        h = login(f"koord-{key}")
        m = min(n, 100)
        results.append(
            measure(
                f"figures one county ({key}, {dict(tenants)[key]:,} cases)",
                client,
                capture,
                raw_conn,
                [(figures, h)] * m,
                min(args.warmup, 10),
            )
        )
        print(json.dumps(results[-1]), flush=True)

    coordinators = [login(f"koord-{key}") for key, _c in tenants]
    rounds = []
    raw_rounds = []
    for _ in range(5):
        t0 = time.perf_counter_ns()
        statements = []
        for h in coordinators:
            capture.take()
            r = client.get(figures, headers=h)
            assert r.status_code == 200
            statements += capture.take()
        rounds.append(time.perf_counter_ns() - t0)
        raw_rounds.append(_raw(raw_conn, statements))
    a, b = summarize("x", rounds), summarize("y", raw_rounds)
    results.append(
        {
            "name": f"figures all of NRW: the endpoint for all {len(coordinators)} tenants in a row",
            "n": len(rounds),
            "api_median_ms": round(a["median_ms"], 1),
            "api_max_ms": round(a["max_ms"], 1),
            "raw_median_ms": round(b["median_ms"], 1),
            "ratio_median": round(a["median_ms"] / b["median_ms"], 2),
        }
    )
    print(json.dumps(results[-1]), flush=True)

    agg = "SELECT kind, code, count(*) FROM programme_events WHERE school_year = %s GROUP BY kind, code"
    samples = []
    with raw_conn.cursor() as cur:
        for _ in range(12):
            t0 = time.perf_counter_ns()
            cur.execute(agg, (year,))
            cur.fetchall()
            samples.append(time.perf_counter_ns() - t0)
        cur.execute("EXPLAIN " + agg, (year,))
        plan = " / ".join(r[0].strip() for r in cur.fetchall()[:4])
    raw_conn.rollback()
    s = summarize("agg", samples[2:])
    results.append(
        {
            "name": "figures all of NRW: one aggregate SQL (no API path exists)",
            "n": s["n"],
            "raw_median_ms": round(s["median_ms"], 1),
            "raw_p95_ms": round(s["p95_ms"], 1),
            "plan": plan,
        }
    )
    print(json.dumps(results[-1]), flush=True)
    raw_conn.close()
    engine.dispose()


if __name__ == "__main__":
    main()
