"""`kim audit verify` on an untouched trail of 100,000 entries (target: within 10 s).

    .venv/bin/python bench/audit_verify.py [--entries 100000] [--database-url postgresql+psycopg://...]

Makes a fresh database (a temporary SQLite file unless --database-url names an empty one), migrates
it, appends the entries through the service (realistic case events, 500 per transaction), then
times the whole check twice: in-process (engine.audit.verify.verify) and end to end as the
command an operator runs (`kim audit verify`, a new process with its start-up).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KEY = "bWVhc3VyZW1lbnQta2V5LWZvci10aGUtYXVkaXQtdHJhaWw="  # 32 bytes, for this run only


def fill(sessions, n: int, batch: int = 500) -> None:
    from engine.audit.service import Event, record
    from engine.db import begin_write

    done = 0
    while done < n:
        with sessions() as session:
            begin_write(session)
            size = min(batch, n - done)
            record(
                session,
                None,
                *(
                    Event(
                        "case.read",
                        "case",
                        (done + i) % 5000 + 1,
                        case_id=(done + i) % 5000 + 1,
                        pseudonym=f"P-{(done + i) % 5000:06d}",
                        detail={"personal_data": True},
                    )
                    for i in range(size)
                ),
                tenant_id=None,
            )
            session.commit()
        done += size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--json", default="", help="write the figures to this file")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kim-audit-bench-"))
    url = args.database_url or f"sqlite:///{workdir / 'kim.db'}"
    env = {
        **os.environ,
        "KIM_DATABASE_URL": url,
        "KIM_DATA_DIR": str(workdir),
        "KIM_AUDIT_KEYS": KEY,
        "KIM_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    from engine import models as _all  # noqa: F401 - every mapper known
    from engine.audit import keys
    from engine.audit.verify import verify
    from engine.config import Settings
    from engine.db import make_engine, make_session_factory
    from engine.migrate import upgrade

    settings = Settings.from_env()
    keys.configure(settings)
    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    started = time.perf_counter()
    fill(sessions, args.entries)
    fill_s = time.perf_counter() - started

    started = time.perf_counter()
    with sessions() as session:
        report = verify(session, keys.keyring(), settings.anchor_dir())
    in_process_s = time.perf_counter() - started
    assert report.ok and report.entries == args.entries, report.problems
    engine.dispose()

    kim = Path(sys.executable).parent / "kim"
    started, cpu_before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([str(kim), "audit", "verify"], env=env, capture_output=True, text=True, check=False)
    cli_s = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time of the command: what it costs on a quiet machine, when others share the cores.
    cli_cpu_s = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    assert done.returncode == 0, done.stderr
    figures = {
        "entries": args.entries,
        "database": url.split(":", 1)[0],
        "fill_s": round(fill_s, 2),
        "verify_in_process_s": round(in_process_s, 2),
        "kim_audit_verify_s": round(cli_s, 2),
        "kim_audit_verify_cpu_s": round(cli_cpu_s, 2),
        "load_average": os.getloadavg()[0],
        "target_s": 10.0,
        "within_target": cli_s <= 10.0,
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
