"""``kim scheduler``: the timer scheduler and the housekeeping jobs (retention, audit checkpoints) in a
process of their own."""

from __future__ import annotations

import json
import os
import signal
import threading

import click

from .cli_common import settings as load_settings


@click.command()
@click.option("--once", is_flag=True, help="Fire what is due now, print the counts and exit.")
def scheduler(once: bool) -> None:
    """Run the timer scheduler (production: its own process beside the web workers)."""
    # Its metrics are its own (KIM_METRICS_PORT), not files in the web server's shared directory;
    # prometheus_client reads this when first imported, so the engine is imported only after it.
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    from engine import hooks, logs
    from engine import models as _all_models  # noqa: F401 - every mapper known before the first query
    from engine.db import make_engine, make_session_factory
    from engine.processes.service import keep_workflows
    from engine.scheduler import TimerScheduler, default_owner, install_housekeeping, timer_policy
    from engine.timers.jobs import run_due

    settings = load_settings()
    logs.configure(settings.log_level, settings.log_format)
    hooks.wire()  # timers run process steps
    keep_workflows(0)  # a timer's step is followed by people's steps, in the web workers
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    if once:
        outcomes = run_due(factory, owner=default_owner(), policy=timer_policy(settings))
        counts: dict[str, int] = {}
        for outcome in outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        click.echo(json.dumps(counts))
        engine.dispose()
        return
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if settings.metrics_port:
        from prometheus_client import start_http_server

        start_http_server(settings.metrics_port, addr=settings.metrics_host)
    sched = TimerScheduler(
        factory, policy=timer_policy(settings), watch_seconds=settings.scheduler_watch_seconds
    ).start()
    install_housekeeping(sched, factory, settings)
    click.echo(f"Zeitplaner läuft ({sched.owner}).")
    stop.wait()
    sched.shutdown()
    engine.dispose()
    click.echo(json.dumps(dict(sched.counts)))
