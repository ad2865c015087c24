"""Two checkouts served side by side, timed in the same minutes: interleaved blocks of requests.

On a shared VM the host's speed moves between two runs of ``bench/lifecycle_http.py`` by more than a
change of a few percent, so a pair of runs can put the faster code behind. Here both codes serve at
once (``kim serve``: gunicorn, 1 worker, 4 threads, each on a fresh SQLite database with the demo
county), and one keep-alive client (``requests``) alternates blocks of requests between them, the order
swapped every round. Both see the same moments of the host. The client adds about half a millisecond
per request to every figure (bench/README.md): compare the two codes, not the figures with other
benchmarks.

    .venv/bin/python bench/twin_http.py --a PATH --b PATH [--rounds 20] [--block 20]

It prints the median per request kind and code, and a/b. Run it once with both codes on the same
checkout to see how far two servers of the same code differ, and once with the ports swapped.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from bench_common import MUNICIPALITY, PAYLOADS, USER

KINDS = ("health", "complete", "inbox", "open")
CLIENT = {"given_name": "Bench", "family_name": "Zwilling", "birth_date": "1990-01-01"}


class Twin:
    """One checkout's server, its signed-in client and the evaluation it completes next."""

    def __init__(self, root: Path, port: int) -> None:
        self.data_dir = tempfile.mkdtemp(prefix="kim-twin-")
        env = {
            **os.environ,
            "KIM_DATA_DIR": self.data_dir,
            "KIM_DEMO": "1",
            "KIM_PORT": str(port),
            "KIM_WORKERS": "1",
            "KIM_THREADS": "4",
            "KIM_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(root),  # the checkout's code, whatever the virtualenv was installed from
        }
        env.pop("KIM_DATABASE_URL", None)
        kim = str(Path(sys.executable).with_name("kim"))
        subprocess.run([kim, "setup"], env=env, cwd=root, check=True, capture_output=True)
        self.proc = subprocess.Popen(
            [kim, "serve"],
            env=env,
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.base = f"http://127.0.0.1:{port}/api/v1"
        self.session = requests.Session()
        self._wait()
        token = self.session.post(self.base + "/auth/token", json=USER).json()["access_token"]
        self.session.headers["Authorization"] = "Bearer " + token
        self.task = self.at_evaluation()

    def _wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.session.get(self.base + "/health", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise SystemExit(f"{self.base} did not answer within 60 s")

    def at_evaluation(self) -> dict:
        task = self.post("/cases", {"municipality": MUNICIPALITY, "client": CLIENT})["open_tasks"][0]
        while task["bpmn_id"] != "evaluation":
            task = self.post(f"/tasks/{task['id']}/complete", {"data": PAYLOADS[task["bpmn_id"]]})
            task = task["next_tasks"][0]
        return task

    def post(self, path: str, body: dict) -> dict:
        answer = self.session.post(self.base + path, json=body)
        if answer.status_code >= 300:
            raise SystemExit(f"{path}: {answer.status_code} {answer.text[:300]}")
        return answer.json()

    def one(self, kind: str) -> float:
        """Seconds of one request of ``kind``, from sending it to reading the whole answer."""
        start = time.perf_counter()
        if kind == "health":
            answer = self.session.get(self.base + "/health")
        elif kind == "inbox":
            answer = self.session.get(self.base + "/tasks?per_page=100")
        elif kind == "open":
            answer = self.session.post(
                self.base + "/cases", json={"municipality": MUNICIPALITY, "client": CLIENT}
            )
        else:
            path = f"/tasks/{self.task['id']}/complete"
            answer = self.session.post(self.base + path, json={"data": PAYLOADS["evaluation"]})
        seconds = time.perf_counter() - start
        if answer.status_code >= 300:
            raise SystemExit(f"{kind}: {answer.status_code} {answer.text[:300]}")
        if kind == "complete":
            self.task = answer.json()["next_tasks"][0]
        return seconds

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--a", type=Path, required=True, help="the first checkout")
    ap.add_argument("--b", type=Path, required=True, help="the second checkout")
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--block", type=int, default=20, help="requests per kind and code in a round")
    ap.add_argument("--ports", default="5201,5202")
    args = ap.parse_args()
    ports = [int(p) for p in args.ports.split(",")]
    twins = {"a": Twin(args.a.resolve(), ports[0]), "b": Twin(args.b.resolve(), ports[1])}
    try:
        for twin in twins.values():  # more than a page of 100 open tasks, as bench/lifecycle_http.py
            for _ in range(105):
                twin.at_evaluation()
            for kind in KINDS:  # warm-up
                for _ in range(20):
                    twin.one(kind)
        times: dict[str, dict[str, list[float]]] = {w: {k: [] for k in KINDS} for w in twins}
        for done in range(args.rounds):
            order = ["a", "b"] if done % 2 == 0 else ["b", "a"]
            for kind in KINDS:
                for who in order:
                    times[who][kind] += [twins[who].one(kind) for _ in range(args.block)]
            print(f"\rround {done + 1}/{args.rounds}", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        print(f"a: {args.a}  b: {args.b}  ({args.rounds} rounds of {args.block} per kind and code)")
        for kind in KINDS:
            a, b = (statistics.median(times[w][kind]) * 1e3 for w in ("a", "b"))
            print(f"{kind:9} a {a:6.2f} ms   b {b:6.2f} ms   a/b {a / b:5.3f}   n={len(times['a'][kind])}")
    finally:
        for twin in twins.values():
            twin.stop()


if __name__ == "__main__":
    main()
