"""The state's view on the state-wide dataset: the figures of all NRW tenants for one school year.

    KIM_DATA_KEYS=<key> .venv/bin/python bench/state_figures.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:55434/kim_statewide --school-year 2025/26

The database is bench/statewide.py's (53 tenants, 1,000,000 cases), migrated to the current head
(`kim migrate`: tenants.kind and ix_programme_events_state). The script sets up the state level
once (`ensure_state_tenant`, `add_state_user`: tenant "nrw", account "land-bench") and measures, one
call at a time after a warm-up:

- **engine**: ``engine.state.figures.state_figures`` in a read-only unit of work (the GROUP BY over
  the school year's programme facts, the tenants, the counting and suppression);
- **api**: ``GET /api/v1/state/figures`` through the production app (create_app, in-process test
  client, bearer token: authentication, the unit of work, the marshmallow answer);
- **export csv / xlsx**: ``GET /api/v1/state/export?format=...``;
- **sql**: the aggregate alone on a plain psycopg connection, and its plan (EXPLAIN ANALYZE);
  with ``--without-index`` also inside a transaction that drops ix_programme_events_state (rolled
  back), for the comparison.

Prints one JSON line per measurement (median, p95, min, max in ms) and the plan.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg

from bench.bench_common import log, summarize

AGGREGATE = (
    "SELECT tenant_id, kind, code, count(*) FROM programme_events WHERE school_year = %s "
    "GROUP BY tenant_id, kind, code"
)
USER, PASSWORD = "land-bench", "Landeskonto-Bench-1"


def timed(fn, n: int, warmup: int) -> list[int]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter_ns()
        fn()
        out.append(time.perf_counter_ns() - t0)
    return out


def setup_state(sessions) -> None:
    from engine.state.setup import add_state_user, ensure_state_tenant
    from engine.uow import unit_of_work

    with unit_of_work(sessions) as s:
        ensure_state_tenant(s, key="nrw", name="Land Nordrhein-Westfalen")
        add_state_user(s, tenant_key="nrw", username=USER, display_name="Benchmark Land", password=PASSWORD)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=os.environ.get("KIM_DATABASE_URL"))
    parser.add_argument("--school-year", default="2025/26")
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--without-index", action="store_true", help="also measure the SQL without the index")
    args = parser.parse_args()
    os.environ["KIM_DATABASE_URL"] = args.database_url
    os.environ.setdefault("KIM_LOG_LEVEL", "WARNING")
    os.environ["KIM_SCHEDULER"] = "external"
    from sqlalchemy import select

    from api.app import create_app
    from engine.access.actor import Actor
    from engine.access.models import User
    from engine.config import Settings
    from engine.state.figures import state_figures
    from engine.uow import unit_of_work

    settings = Settings.from_env()
    app = create_app(settings)
    sessions = app.extensions["kim"]["sessions"]
    setup_state(sessions)
    with unit_of_work(sessions, write=False) as s:
        u = s.scalars(select(User).where(User.username == USER)).one()
        actor = Actor(u.id, u.username, u.role, u.tenant_id, None, None)
    raw = psycopg.connect(args.database_url.replace("postgresql+psycopg://", "postgresql://", 1))
    with raw.cursor() as cur:
        cur.execute("SELECT count(*) FROM programme_events WHERE school_year = %s", (args.school_year,))
        facts = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM cases")
        cases = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM tenants WHERE kind = 'county'")
        tenants = cur.fetchone()[0]
    raw.rollback()
    log(f"{cases:,} cases, {tenants} county tenants, {facts:,} programme facts in {args.school_year}")
    year, n, warm = args.school_year, args.samples, args.warmup
    results = []

    def engine_call():
        with unit_of_work(sessions, write=False) as s:
            fig = state_figures(s, user=actor, school_year=year, min_count=settings.report_min_count)
        assert len(fig["tenants"]) == tenants

    results.append(summarize("engine state_figures (all tenants)", timed(engine_call, n, warm)))
    print(json.dumps(results[-1]), flush=True)

    client = app.test_client()
    r = client.post("/api/v1/auth/token", json={"username": USER, "password": PASSWORD})
    assert r.status_code == 200, r.get_json()
    headers = {"Authorization": "Bearer " + r.get_json()["access_token"]}

    def get(url):
        def call():
            resp = client.get(url, headers=headers)
            assert resp.status_code == 200, resp.get_data(as_text=True)[:300]

        return call

    for name, url in (
        ("api GET /api/v1/state/figures", f"/api/v1/state/figures?school_year={year}"),
        ("api export csv", f"/api/v1/state/export?school_year={year}&format=csv"),
        ("api export xlsx", f"/api/v1/state/export?school_year={year}&format=xlsx"),
    ):
        results.append(summarize(name, timed(get(url), n, warm)))
        print(json.dumps(results[-1]), flush=True)

    def sql(cur):
        def call():
            cur.execute(AGGREGATE, (year,))
            cur.fetchall()

        return call

    with raw.cursor() as cur:
        results.append(summarize("sql aggregate (with ix_programme_events_state)", timed(sql(cur), n, warm)))
        print(json.dumps(results[-1]), flush=True)
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + AGGREGATE, (year,))
        plan = "\n".join(r[0] for r in cur.fetchall())
        print(plan, flush=True)
    raw.rollback()
    if args.without_index:
        with raw.cursor() as cur:
            cur.execute("DROP INDEX ix_programme_events_state")  # inside the transaction: rolled back below
            results.append(summarize("sql aggregate (without the index)", timed(sql(cur), min(n, 10), 1)))
            print(json.dumps(results[-1]), flush=True)
            cur.execute("EXPLAIN (ANALYZE) " + AGGREGATE, (year,))
            print("\n".join(r[0] for r in cur.fetchall()), flush=True)
        raw.rollback()
    raw.close()
    app.extensions["kim"]["engine"].dispose()


if __name__ == "__main__":
    main()
