"""Search over 5,000 offers: the directory's search (engine/offers/read.py), in-process and over the API.

    .venv/bin/python bench/offers_search.py [--offers 5000] [--samples 300] [--db var/offers.db]

A fresh SQLite database (`kim setup` with the demo accounts), filled with --offers invented offers
spread over the county's municipalities and county-wide (random life areas, languages, target groups;
through the directory's service, so versions and search tags are written as in use). Then, per query
shape, median and p95 of: the search function alone (one unit of work each) and GET /api/v1/offers
through the Flask test client (the whole request: token, unit of work, schema), each as wall time
and as this process's CPU time (on a shared machine the wall time mostly measures the others). Prints
JSON lines; --db of an earlier run measures again without filling.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_common import ROOT, log, summarize

KEY = "a7JCGv4xmqs3xyrAPlchpDAALY2MO8abMGWRyu1r7xk="
QUERIES = {
    "life area + language + municipality": {
        "life_area": "language",
        "language": "ara",
        "municipality": "borchen",
    },
    "three criteria + municipality": {
        "life_area": "childcare",
        "language": "ukr",
        "target_group": "families",
        "municipality": "delbrueck",
    },
    "one criterion, whole county": {"life_area": "health"},
    "no criteria, text": {"q": "beratung"},
}


def setup(db: Path) -> None:
    env = {
        **os.environ,
        "KIM_DATABASE_URL": f"sqlite:///{db}",
        "KIM_DATA_DIR": str(db.parent),
        "KIM_DEMO": "1",
    }
    env["KIM_DATA_KEYS"] = KEY
    subprocess.run(
        [sys.executable, "-m", "api.cli", "setup"], env=env, cwd=ROOT, check=True, capture_output=True
    )


def fill(factory, n: int) -> None:
    from sqlalchemy import select

    from engine.access.actor import Actor
    from engine.access.models import User
    from engine.clock import today_berlin, utcnow
    from engine.offers.service import save_new
    from engine.org.models import Municipality
    from engine.uow import unit_of_work
    from engine.vocabulary import labels

    rng = random.Random(5000)
    areas = list(labels("assessment.needs.life_area"))
    languages, groups, kinds = (
        list(labels(v)) for v in ("offer.language", "offer.target_group", "offer.kind")
    )
    with unit_of_work(factory) as s:
        u = s.scalars(select(User).where(User.username == "coordinator")).one()
        coord = Actor(u.id, u.username, u.role, u.tenant_id, u.municipality_id, u.team_id)
        places = [None, *s.scalars(select(Municipality.id).where(Municipality.tenant_id == u.tenant_id))]
        now, today = utcnow(), today_berlin()
        for i in range(n):
            values = {
                "municipality_id": rng.choice(places),
                "provider": f"Träger {i % 400}",
                "title": f"{rng.choice(['Beratung', 'Kurs', 'Treff', 'Projekt'])} {i}",
                "kind": rng.choice(kinds),
                "life_areas": rng.sample(areas, k=rng.randint(1, 3)),
                "target_groups": rng.sample(groups, k=rng.randint(0, 2)),
                "languages": rng.sample(languages, k=rng.randint(1, 4)),
                "contact": None,
                "address": None,
                "opening_hours": None,
                "cost": None,
                "valid_from": None,
                "valid_until": None,
                "source": "Benchmark",
                "checked_on": today,
                "shared_upkeep": False,
            }
            save_new(s, coord, values, action="imported", now=now, author="Benchmark")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offers", type=int, default=5000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp(prefix="kim-offers-")) / "kim.db"
    filled = db.exists()  # --db of an earlier run: measure again without filling
    if not filled:
        setup(db)
    os.environ["KIM_DATA_KEYS"] = KEY
    from sqlalchemy import select

    from api.app import create_app
    from engine.access.actor import Actor
    from engine.access.models import User
    from engine.config import Settings
    from engine.offers.read import Query, search
    from engine.uow import unit_of_work

    app = create_app(
        Settings(database_url=f"sqlite:///{db}", data_dir=db.parent, data_keys=KEY, log_level="WARNING")
    )
    factory = app.extensions["kim"]["sessions"]
    if not filled:
        started = time.perf_counter()
        fill(factory, args.offers)
        log(f"{args.offers} offers written in {time.perf_counter() - started:.1f} s")
    log(f"database {db}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with unit_of_work(factory, write=False) as s:
        u = s.scalars(select(User).where(User.username == "cm-borchen")).one()
        cm = Actor(u.id, u.username, u.role, u.tenant_id, u.municipality_id, u.team_id)
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "cm-borchen", "password": "demo"}).json
    headers = {"Authorization": "Bearer " + token["access_token"]}
    for name, params in QUERIES.items():
        query = Query(
            life_area=params.get("life_area"),
            language=params.get("language"),
            target_group=params.get("target_group"),
            municipality=params.get("municipality"),
            text=params.get("q"),
        )
        samples: dict[str, list[int]] = {"search": [], "search cpu": [], "api": [], "api cpu": []}
        total = 0
        for i in range(args.samples + 5):
            t, c = time.perf_counter_ns(), time.process_time_ns()
            with unit_of_work(factory, write=False) as s:
                total = search(s, user=cm, query=query).total
            wall, cpu = time.perf_counter_ns() - t, time.process_time_ns() - c
            t, c = time.perf_counter_ns(), time.process_time_ns()
            r = client.get("/api/v1/offers", query_string=params, headers=headers)
            api_wall, api_cpu = time.perf_counter_ns() - t, time.process_time_ns() - c
            assert r.status_code == 200, r.json
            if i >= 5:  # warm-up
                for key, value in zip(samples, (wall, cpu, api_wall, api_cpu), strict=True):
                    samples[key].append(value)
        # CPU time of this process: what the work costs when the machine is shared (load average above)
        for key, label in (("search", "search"), ("api", "GET /api/v1/offers")):
            print(
                json.dumps(
                    summarize(f"{label}: {name} (wall)", samples[key], offers=args.offers, found=total)
                )
            )
            print(json.dumps(summarize(f"{label}: {name} (cpu)", samples[key + " cpu"])))


if __name__ == "__main__":
    main()
