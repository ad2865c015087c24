"""Where a task completion spends its time inside the server: py-spy samples the gunicorn worker of
``kim serve`` while one keep-alive client completes evaluations over HTTP.

    .venv/bin/python bench/profile_completion.py [--completions 3000] [--rate 1000]
        [--database-url postgresql+psycopg://.../empty_db] [--out artifacts/profile]

Writes ``completion.svg`` (a flame graph) and ``completion.txt`` (the collapsed stacks) to ``--out``
and prints the functions with the most samples: on their own (self) and with what they call
(inclusive), in percent of the worker's busy samples. Each pass runs ``--completions`` evaluations
of fresh cases (one case per completion, all waiting at evaluation #2), so the case's age plays no
part. py-spy is a dev dependency (pyproject.toml); it reads the worker's memory from outside, so the
worker runs unchanged (about 1,000 samples per second cost it a few percent).
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # lifecycle_http's own imports

from bench.bench_common import ROOT, log
from bench.lifecycle_http import Client, Server, _children, _only_task, advance_to_evaluation, parallel

PY_SPY = str(Path(sys.executable).parent / "py-spy")


def _record(pid: int, fmt: str, out: Path, rate: int) -> subprocess.Popen:
    return subprocess.Popen(
        [PY_SPY, "record", "--pid", str(pid), "--rate", str(rate), "--format", fmt, "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)  # py-spy writes its file when interrupted
    proc.wait(timeout=60)


REQUEST = "Flask.wsgi_app"  # a sample of the worker serving a request (not waiting for one)


def top(collapsed: Path, n: int) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """(self, inclusive) shares of the busiest functions in the samples taken while the worker served
    a request, from py-spy's collapsed stacks (idle threads waiting for work are left out)."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [f.split(" (", 1)[0] + " (" + _short(f) for f in stack.split(";")]
        if not any(f.startswith(REQUEST) for f in frames):
            continue
        total += int(count)
        own[frames[-1]] += int(count)
        for frame in set(frames):
            inclusive[frame] += int(count)
    return (
        [(f, 100 * c / total) for f, c in own.most_common(n)],
        [(f, 100 * c / total) for f, c in inclusive.most_common(n)],
    )


def _short(frame: str) -> str:
    """``func (path/to/file.py:12)`` -> the file part without line number and site-packages prefix."""
    where = frame.split(" (", 1)[1] if " (" in frame else ")"
    return where.split("site-packages/")[-1].rsplit(":", 1)[0] + ")"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--completions", type=int, default=3000, help="completions per recorded pass")
    ap.add_argument("--rate", type=int, default=1000, help="py-spy samples per second")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--port", type=int, default=5079)
    ap.add_argument("--database-url", help="an empty PostgreSQL database (default: fresh SQLite)")
    ap.add_argument("--out", type=Path, default=ROOT / "artifacts" / "profile")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    server = Server(args.port, workers=1, database_url=args.database_url)
    server.start()
    try:
        client = Client(server.base)
        client.login()
        log(f"preparing {2 * args.completions} cases at evaluation #2 ...")
        cases = parallel(lambda i: client.open_case(i)[1], range(2 * args.completions), 4, "open")
        tasks = parallel(lambda case: advance_to_evaluation(client, case, 1), cases, 4, "advance")
        (worker,) = _children(server.proc.pid)  # type: ignore[union-attr]
        for fmt, name, batch in (
            ("raw", "completion.txt", tasks[: args.completions]),
            ("flamegraph", "completion.svg", tasks[args.completions :]),
        ):
            spy = _record(worker, fmt, args.out / name, args.rate)
            for task in batch:
                _only_task(client.complete(task)[1]["next_tasks"], "evaluation")
            _stop(spy)
            log(f"wrote {args.out / name}")
    finally:
        server.stop()
    own, inclusive = top(args.out / "completion.txt", args.top)
    for title, rows in (("self", own), ("inclusive", inclusive)):
        print(f"\n{title} (% of the samples while serving a request)")
        for frame, share in rows:
            print(f"{share:6.1f}  {frame}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
