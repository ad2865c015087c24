"""Cost of encryption at rest: encrypt + decrypt of a real instance state and of 20 KB, next to a
complete-task with and without encryption (in-process Flask test client, SQLite).

    .venv/bin/python bench/crypto.py [--evaluations 20] [--samples 200] [--reps 2000]

Sets up a fresh SQLite database (`kim setup`) in a temporary directory, runs one case through the
lifecycle to its evaluation loop, then times. "Without encryption" swaps engine.crypto.encrypt_text
for the identity, so rows are written in plaintext and read back as legacy rows. Prints JSON lines.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_common import MUNICIPALITY, PAYLOADS, ROOT, USER
from engine import crypto
from engine.config import Settings

KIM = str(Path(sys.executable).parent / "kim")


def _median_us(fn, reps: int) -> float:
    times = []
    for _ in range(reps):
        start = time.perf_counter_ns()
        fn()
        times.append(time.perf_counter_ns() - start)
    return statistics.median(times) / 1e3


def _round_trip(text: str):
    return lambda: crypto.decrypt_text(crypto.encrypt_text(text))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--evaluations", type=int, default=20, help="evaluations done before timing")
    ap.add_argument("--samples", type=int, default=200, help="complete-tasks timed per variant")
    ap.add_argument("--reps", type=int, default=2000, help="encrypt+decrypt round trips timed")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kim-crypto-"))
    env = {
        **os.environ,
        "KIM_DATA_DIR": str(work),
        "KIM_DATABASE_URL": f"sqlite:///{work / 'kim.db'}",
        "KIM_DEMO": "1",
        "KIM_LOG_LEVEL": "WARNING",
        "KIM_DATA_KEYS": crypto.generate_key(),
    }
    try:
        subprocess.run([KIM, "setup"], check=True, env=env, cwd=ROOT, capture_output=True)
        run(Settings.from_env(env), args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(settings: Settings, args) -> None:
    from sqlalchemy import select

    from api.app import create_app
    from engine.instances.models import ProcessInstance

    app = create_app(settings)  # calls crypto.configure(settings)
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json=USER).json["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    case = client.post(
        "/api/v1/cases",
        headers=headers,
        json={
            "municipality": MUNICIPALITY,
            "client": {"given_name": "Bench", "family_name": "Krypto", "birth_date": "1990-01-01"},
        },
    ).json
    task = case["open_tasks"][0]

    def complete() -> dict:
        nonlocal task
        out = client.post(
            f"/api/v1/tasks/{task['id']}/complete", headers=headers, json={"data": PAYLOADS[task["bpmn_id"]]}
        )
        assert out.status_code == 200, out.json
        task = out.json["next_tasks"][0]
        return out.json

    while task["bpmn_id"] != "evaluation":
        complete()
    for _ in range(args.evaluations):
        complete()
    with app.extensions["kim"]["sessions"]() as session:
        state = session.scalars(
            select(ProcessInstance.state).where(ProcessInstance.case_id == case["id"])
        ).one()

    print(
        json.dumps(
            {
                "what": "encrypt+decrypt instance state",
                "bytes": len(state.encode()),
                "median_us": round(_median_us(_round_trip(state), args.reps), 1),
            }
        )
    )
    print(
        json.dumps(
            {
                "what": "encrypt+decrypt 20 KB",
                "bytes": 20_000,
                "median_us": round(_median_us(_round_trip("x" * 20_000), args.reps), 1),
            }
        )
    )

    real_encrypt = crypto.encrypt_text
    samples: dict[str, list[int]] = {"encrypted": [], "plaintext": []}
    for i in range(2 * args.samples):  # interleaved, same case
        variant = "encrypted" if i % 2 == 0 else "plaintext"
        crypto.encrypt_text = real_encrypt if variant == "encrypted" else (lambda text: text)
        start = time.perf_counter_ns()
        complete()
        samples[variant].append(time.perf_counter_ns() - start)
    crypto.encrypt_text = real_encrypt
    for variant, times in samples.items():
        print(
            json.dumps(
                {
                    "what": f"complete-task (test client), {variant}",
                    "n": len(times),
                    "median_ms": round(statistics.median(times) / 1e6, 3),
                }
            )
        )
    app.extensions["kim"]["engine"].dispose()


if __name__ == "__main__":
    main()
