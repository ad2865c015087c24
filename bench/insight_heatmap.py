"""The process insight on the demo county: heat map figures, the page, the case diagram, event logs.

    .venv/bin/python bench/insight_heatmap.py                       # fresh database, full demo (minutes)
    .venv/bin/python bench/insight_heatmap.py --db var/demo.db --skip-generate   # time an existing one
    KIM_DATA_KEYS=... .venv/bin/python bench/insight_heatmap.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:55434/kim_statewide_insight   # any database

Prints median and p95 of: `insight()` for the lifecycle (all municipalities, and one), the API answer,
the heat map page (HTML with the figures and the diagram's XML), a case's diagrams (API) and the XES and
OCEL exports of the whole county; beside them the plain history scan the heat map is built from
of the county (`SELECT instance_id, bpmn_id, at ... ORDER BY`), what walking the history would cost at
least (the figures now come from the step projection, engine/insight/steps.py). With --database-url the
database is used as it is (migrated to head, with Kreis Paderborn's demo accounts, e.g. the state-wide
dataset of bench/statewide.py); the data keys come from KIM_DATA_KEYS. The command line and the machine's
load average before and after are printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.bench_common import log, summarize
from bench.demo_figures import KEY, generate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--from-year", type=int, default=2023)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--database-url", help="time this database as it is (no demo generated)")
    parser.add_argument("--municipality", default="borchen", help="the one municipality timed on its own")
    parser.add_argument("--no-exports", action="store_true", help="leave out the county's event log exports")
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp(prefix="kim-insight-")) / "kim.db"
    if not args.skip_generate and not args.database_url:
        generate(db, args.from_year)
    keys = os.environ.get("KIM_DATA_KEYS", KEY) if args.database_url else KEY
    os.environ["KIM_DATA_KEYS"] = keys
    url = args.database_url or f"sqlite:///{db}"
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]))
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    from sqlalchemy import func, select, text

    from api.app import create_app
    from engine.access.actor import Actor
    from engine.access.models import User
    from engine.cases.models import Case
    from engine.config import Settings
    from engine.insight.heatmap import insight

    app = create_app(Settings(database_url=url, data_dir=db.parent, data_keys=keys, log_level="WARNING"))
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "process-owner", "password": "demo"}).json
    owner = {"Authorization": "Bearer " + token["access_token"]}
    cm_token = client.post("/api/v1/auth/token", json={"username": "cm-borchen", "password": "demo"}).json
    cm = {"Authorization": "Bearer " + cm_token["access_token"]}
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "process-owner", "password": "demo", "csrf_token": csrf})
    session = app.extensions["kim"]["sessions"]()
    user_row = session.scalars(select(User).where(User.username == "process-owner")).one()
    actor = Actor(
        id=user_row.id,
        username=user_row.username,
        role=user_row.role,
        tenant_id=user_row.tenant_id,
        municipality_id=user_row.municipality_id,
        team_id=user_row.team_id,
        agency=user_row.agency,
    )
    case_id = session.scalar(
        select(Case.id).where(Case.municipality_id == 2).order_by(Case.id.desc()).limit(1)
    ) or session.scalar(select(func.max(Case.id)))
    tenant = {"t": actor.tenant_id}
    history = session.scalar(
        text(
            "SELECT count(*) FROM history h JOIN process_instances i ON i.id = h.instance_id "
            "JOIN cases c ON c.id = i.case_id WHERE c.tenant_id = :t AND i.process_id = 'case_lifecycle'"
        ),
        tenant,
    )
    instances = session.scalar(
        text(
            "SELECT count(*) FROM process_instances i JOIN cases c ON c.id = i.case_id "
            "WHERE c.tenant_id = :t AND i.process_id = 'case_lifecycle'"
        ),
        tenant,
    )
    every = session.scalar(text("SELECT count(*) FROM cases"))
    log(f"database: {every} cases; the county: {instances} lifecycle instances, {history} history rows")

    def run(name, fn):
        fn()
        times = []
        for _ in range(args.samples):
            t = time.perf_counter_ns()
            fn()
            times.append(time.perf_counter_ns() - t)
        return summarize(name, times)

    scan = text(
        "SELECT h.instance_id, h.bpmn_id, h.at FROM history h JOIN process_instances i "
        "ON i.id = h.instance_id JOIN cases c ON c.id = i.case_id "
        "WHERE c.tenant_id = :t AND i.process_id = 'case_lifecycle' ORDER BY h.instance_id, h.at, h.id"
    )
    rows = [
        run("history scan of the county", lambda: session.execute(scan, tenant).all()),
        run("insight() lifecycle, county", lambda: insight(session, user=actor, process_id="case_lifecycle")),
        run(
            f"insight() lifecycle, {args.municipality}",
            lambda: insight(session, user=actor, process_id="case_lifecycle", municipality=args.municipality),
        ),
        run("GET insight API", lambda: client.get("/api/v1/processes/case_lifecycle/insight", headers=owner)),
        run("GET heat map page (HTML)", lambda: client.get("/prozessauswertung/case_lifecycle")),
        run("GET case diagrams API", lambda: client.get(f"/api/v1/cases/{case_id}/diagrams", headers=cm)),
    ]
    few = max(3, args.samples // 5)
    args.samples = few
    rows += (
        []
        if args.no_exports
        else [
            run("GET eventlog.xes (county)", lambda: client.get("/api/v1/eventlog.xes", headers=owner)),
            run(
                "GET eventlog.jsonocel (county)",
                lambda: client.get("/api/v1/eventlog.jsonocel", headers=owner),
            ),
        ]
    )
    for row in rows:
        print(f"{row['name']:<34} median {row['median_ms']:8.1f} ms   p95 {row['p95_ms']:8.1f} ms")
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
