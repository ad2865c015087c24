"""Time `kim generate-demo` and the figures queries on the generated county.

    .venv/bin/python bench/demo_figures.py                 # fresh database, full demo (minutes)
    .venv/bin/python bench/demo_figures.py --db var/demo.db --skip-generate   # time the figures only

Prints the demo's run time, the CPU other processes used meanwhile, and for the figures: median and
p95 of `figures()` (the GROUP BY and suppression), the API in JSON, CSV and XLSX, and the dashboard.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.bench_common import ROOT, log, summarize

KEY = "a7JCGv4xmqs3xyrAPlchpDAALY2MO8abMGWRyu1r7xk="


def _loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def generate(db: Path, from_year: int) -> float:
    env = {
        **os.environ,
        "KIM_DATABASE_URL": f"sqlite:///{db}",
        "KIM_DATA_DIR": str(db.parent),
        "KIM_DEMO": "1",
        "KIM_DATA_KEYS": KEY,
    }
    subprocess.run(
        [sys.executable, "-m", "api.cli", "setup"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    log(f"load average before: {_loadavg()}")
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "api.cli", "generate-demo", "--from-year", str(from_year)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    log(out.stdout.strip())
    log(f"generate-demo: {seconds:.1f} s wall; load average after: {_loadavg()}")
    return seconds


def time_figures(db: Path, samples: int) -> list[dict]:
    os.environ["KIM_DATA_KEYS"] = KEY
    from api.app import create_app
    from engine.config import Settings
    from engine.reports.figures import figures

    app = create_app(
        Settings(database_url=f"sqlite:///{db}", data_dir=db.parent, data_keys=KEY, log_level="WARNING")
    )
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "coordinator", "password": "demo"}).json
    headers = {"Authorization": "Bearer " + token["access_token"]}
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "coordinator", "password": "demo", "csrf_token": csrf})
    session = app.extensions["kim"]["sessions"]()

    def run(name, fn):
        fn()
        times = []
        for _ in range(samples):
            t = time.perf_counter_ns()
            fn()
            times.append(time.perf_counter_ns() - t)
        return summarize(name, times)

    url = "/api/v1/reports/figures?school_year=2023/24"
    rows = [
        run("figures() service, 2023/24", lambda: figures(session, tenant_id=1, school_year="2023/24")),
        run("GET figures JSON", lambda: client.get(url, headers=headers)),
        run("GET figures CSV", lambda: client.get(url + "&format=csv", headers=headers)),
        run("GET figures XLSX", lambda: client.get(url + "&format=xlsx", headers=headers)),
        run("GET /dashboard (HTML)", lambda: client.get("/dashboard?school_year=2023/24")),
    ]
    total = figures(session, tenant_id=1, school_year="2023/24")["totals"]
    log(f"2023/24: persons_supported={total['persons_supported']} cm_cases={total['cm_cases']}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--from-year", type=int, default=2023)
    parser.add_argument("--samples", type=int, default=50)
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp(prefix="kim-demo-")) / "kim.db"
    if not args.skip_generate:
        generate(db, args.from_year)
    for row in time_figures(db, args.samples):
        print(f"{row['name']:<32} median {row['median_ms']:7.1f} ms   p95 {row['p95_ms']:7.1f} ms")


if __name__ == "__main__":
    main()
