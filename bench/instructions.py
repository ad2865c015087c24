"""Machine instructions per request, counted by valgrind: a figure the host's noise does not move.

On a shared VM the time of the same request swings by a third from one run to the next (steal time,
the host's own load), so a change of 10 % cannot be seen in medians without many alternating runs.
The number of instructions the CPU executes for a request does not depend on any of that.

    .venv/bin/python bench/instructions.py [--code PATH] [--reps 20] [--kinds engine,complete,inbox]

Each kind runs in its own ``valgrind --tool=callgrind`` process, started with counting off. The
process sets up a fresh SQLite database (``kim setup`` with the demo county), serves the app in
itself (Flask's test client: no HTTP, no second process) and prepares what it needs: a case at its
evaluation, 105 open tasks for the inbox. It warms up with three requests, then turns counting on
(``callgrind_control``) for ``--reps`` requests only. ``engine`` is the raw engine layer cycle
(load, complete an evaluation, save), as bench/lifecycle_http.py measures it; ``engine-kept`` the same
cycle taking the workflow the last step kept instead of loading it (engine/workflow/kept.py), and
``complete-restored`` a completion with no workflow kept (``KIM_KEPT_WORKFLOWS=0``).

``--code`` measures another checkout (e.g. a ``git worktree`` of the previous main), with this
virtualenv; run both one after the other and compare. Under valgrind a request takes about 50 times
as long, so the default run takes a few minutes. Needs valgrind (Debian package ``valgrind``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve()
KINDS = ("engine", "engine-kept", "complete", "complete-restored", "open", "inbox", "health")
INBOX_TASKS = 105  # more than the page of 100, so its count runs as in bench/lifecycle_http.py


def _toggle(on: bool) -> None:
    subprocess.run(
        ["callgrind_control", "-i", "on" if on else "off", str(os.getpid())],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _engine_cycle(reps: int, kept: bool) -> None:
    """``kept``: each cycle completes the evaluation the last one left, taking the workflow it kept
    (engine/workflow/kept.py); else each cycle restores the same state, keeping nothing."""
    from bench_common import DIAGRAM, PAYLOADS, PROCESS_ID

    from engine import workflow as wf

    if not kept and hasattr(wf, "keep_workflows"):
        wf.keep_workflows(0)
    proc = wf.parse_diagram(DIAGRAM.read_bytes(), PROCESS_ID)
    result = wf.start(proc)
    while result.ready[0].bpmn_id != "evaluation":
        task = result.ready[0]
        result = wf.complete(proc, result.state, task.task_id, PAYLOADS[task.bpmn_id])
    data = PAYLOADS["evaluation"]

    def cycle() -> None:
        nonlocal result
        step = wf.complete(proc, result.state, result.ready[0].task_id, data)
        if kept:
            result = step

    for _ in range(3):
        cycle()
    _toggle(True)
    for _ in range(reps):
        cycle()
    _toggle(False)


def _requests(kind: str, reps: int, code: Path) -> None:
    from bench_common import MUNICIPALITY, PAYLOADS, USER

    data_dir = tempfile.mkdtemp(prefix="kim-instructions-")
    os.environ.update({"KIM_DATA_DIR": data_dir, "KIM_DEMO": "1", "KIM_LOG_LEVEL": "WARNING"})
    os.environ.pop("KIM_DATABASE_URL", None)
    kim = str(Path(sys.executable).parent / "kim")
    env = {**os.environ, "PYTHONPATH": str(code)}
    subprocess.run([kim, "setup"], check=True, stdout=subprocess.DEVNULL, cwd=code, env=env)
    from api.app import create_app
    from api.cli_common import settings

    client = create_app(settings()).test_client()
    token = client.post("/api/v1/auth/token", json=USER).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    def post(path: str, body: dict, expect: int = 200) -> dict:
        response = client.post("/api/v1" + path, json=body, headers=headers)
        if response.status_code != expect:
            raise SystemExit(f"POST {path}: {response.status_code} {response.get_data(as_text=True)[:300]}")
        return response.get_json()

    def open_case(name: str) -> dict:
        person = {"given_name": "Bench", "family_name": name, "birth_date": "1990-01-01"}
        return post("/cases", {"municipality": MUNICIPALITY, "client": person}, 201)

    def at_evaluation(name: str) -> dict:
        task = open_case(name)["open_tasks"][0]
        while task["bpmn_id"] != "evaluation":
            task = post(f"/tasks/{task['id']}/complete", {"data": PAYLOADS[task["bpmn_id"]]})["next_tasks"][0]
        return task

    task = at_evaluation("Fall0")
    for i in range(1, INBOX_TASKS if kind == "inbox" else 0):
        at_evaluation(f"Fall{i}")
    counter = iter(range(10**6))

    def one() -> None:
        nonlocal task
        if kind == "complete":
            task = post(f"/tasks/{task['id']}/complete", {"data": PAYLOADS["evaluation"]})["next_tasks"][0]
        elif kind == "open":
            open_case(f"Neu{next(counter)}")
        elif kind == "inbox":
            page = client.get("/api/v1/tasks?per_page=100", headers=headers).get_json()
            assert len(page["items"]) == 100, page
        else:
            assert client.get("/api/v1/health").status_code == 200

    for _ in range(3):
        one()
    _toggle(True)
    for _ in range(reps):
        one()
    _toggle(False)
    shutil.rmtree(data_dir, ignore_errors=True)


def _child(kind: str, reps: int, code: Path) -> None:
    sys.path[:0] = [str(code), str(code / "bench")]
    if kind.startswith("engine"):
        _engine_cycle(reps, kept=kind == "engine-kept")
    elif kind == "complete-restored":  # no workflow kept between steps
        os.environ["KIM_KEPT_WORKFLOWS"] = "0"
        _requests("complete", reps, code)
    else:
        _requests(kind, reps, code)


def _count(kind: str, reps: int, code: Path) -> int:
    """Instructions of ``reps`` requests of ``kind``, counted in a valgrind process of their own."""
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={out}/callgrind.%p",
                sys.executable,
                str(HERE),
                "--child",
                kind,
                "--reps",
                str(reps),
                "--code",
                str(code),
            ],
            check=False,
            capture_output=True,
            text=True,
            cwd=code,
        )
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"{kind}: valgrind failed\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--code", type=Path, default=HERE.parent.parent, help="the checkout to measure")
    ap.add_argument("--reps", type=int, default=20, help="counted requests per kind")
    ap.add_argument("--kinds", default=",".join(KINDS), help="comma-separated, of: " + ", ".join(KINDS))
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    code = args.code.resolve()
    if args.child:
        _child(args.child, args.reps, code)
        return 0
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind).")
    commit = subprocess.run(
        ["git", "-C", str(code), "rev-parse", "--short", "HEAD"], check=False, capture_output=True, text=True
    ).stdout.strip()
    print(f"code: {code} (commit {commit or 'unknown'}), {args.reps} counted requests per kind")
    print(f"{'kind':10} {'instructions per request':>26}")
    for kind in args.kinds.split(","):
        if kind not in KINDS:
            raise SystemExit(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
        total = _count(kind, args.reps, code)
        print(f"{kind:10} {total / args.reps:>26,.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
