"""The ``kim`` command: migrate, deploy, seed, set up and serve."""
from __future__ import annotations

import sys

import click

from engine.config import Settings


def _settings() -> Settings:
    from engine import crypto
    from engine.audit import keys as audit_keys

    settings = Settings.from_env()
    try:
        crypto.configure(settings)
        audit_keys.configure(settings)
    except (crypto.DataKeyError, audit_keys.AuditKeyError) as exc:
        raise click.ClickException(exc.detail) from None
    return settings


def _session(settings: Settings):
    from engine.db import make_engine, make_session_factory

    engine = make_engine(settings.database_url)
    return engine, make_session_factory(engine)()


def _sessions(settings: Settings):
    from engine.db import make_engine, make_session_factory

    engine = make_engine(settings.database_url)
    return engine, make_session_factory(engine)


@click.group()
def main() -> None:
    """KIM case process engine."""


@main.command()
def migrate() -> None:
    """Create or upgrade the database schema (Alembic)."""
    from engine.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    click.echo("Datenbank ist auf dem neuesten Stand.")


@main.command()
def deploy() -> None:
    """Deploy processes/ and forms/ (only what changed)."""
    from engine.errors import KimError
    from engine.processes.service import deploy_directories
    from engine.uow import unit_of_work

    settings = _settings()
    engine, sessions = _sessions(settings)
    try:
        with unit_of_work(sessions) as session:
            changed = deploy_directories(session, settings.processes_dir, settings.forms_dir)
    except KimError as exc:
        click.echo(f"Bereitstellung abgebrochen: {exc.detail} {exc.extra or ''}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo("Bereitgestellt: " + (", ".join(changed) if changed else "nichts geändert"))


@main.command()
def seed() -> None:
    """Load the organisation seed (and demo accounts when KIM_DEMO=1)."""
    from engine.escalations.bodies import seed_bodies
    from engine.org.service import seed_organisation
    from engine.uow import unit_of_work

    settings = _settings()
    engine, sessions = _sessions(settings)
    try:
        with unit_of_work(sessions) as session:
            counts = seed_organisation(session, settings.seed_file, settings.demo)
            counts["new_bodies"] = seed_bodies(session, settings.seed_file)
    finally:
        engine.dispose()
    click.echo(f"Organisation geladen: {counts}")


@main.command()
@click.pass_context
def setup(ctx: click.Context) -> None:
    """migrate + deploy + seed."""
    ctx.invoke(migrate)
    ctx.invoke(deploy)
    ctx.invoke(seed)


@main.command()
@click.option("--workers", type=int, default=None, help="gunicorn workers (default KIM_WORKERS)")
def serve(workers: int | None) -> None:
    """Serve the app with gunicorn on KIM_HOST:KIM_PORT."""
    from .wsgi_server import run

    settings = _settings()
    run(settings, workers or settings.workers)


@main.command()
@click.option("--once", is_flag=True, help="Fire what is due now, print the counts and exit.")
def scheduler(once: bool) -> None:
    """Run the timer scheduler (production: its own process beside the web workers)."""
    import json
    import os
    import signal
    import threading

    # Its metrics are its own (KIM_METRICS_PORT), not files in the web server's shared directory.
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    from engine import logs
    from engine import models as _all_models  # noqa: F401 - every mapper known before the first query
    from engine.db import make_engine, make_session_factory
    from engine.scheduler import TimerScheduler, default_owner
    from engine.timers.jobs import run_due

    settings = _settings()
    logs.configure(settings.log_level, settings.log_format)
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    if once:
        outcomes = run_due(factory, owner=default_owner(), policy=settings.timer_policy())
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
    sched = TimerScheduler(factory, policy=settings.timer_policy(),
                           watch_seconds=settings.scheduler_watch_seconds).start()
    from engine.scheduler import install_housekeeping

    install_housekeeping(sched, factory, settings)
    click.echo(f"Zeitplaner läuft ({sched.owner}).")
    stop.wait()
    sched.shutdown()
    engine.dispose()
    click.echo(json.dumps(dict(sched.counts)))


@main.group()
def keys() -> None:
    """Keys for personal data at rest (KIM_DATA_KEYS, docs/security.md)."""


@keys.command("generate")
def keys_generate() -> None:
    """Print a new key; put it first in KIM_DATA_KEYS, keep the old ones after it."""
    from engine.crypto import generate_key

    click.echo(generate_key())


@keys.command("rotate")
@click.option("--batch-size", type=int, default=500, show_default=True, help="rows per transaction")
def keys_rotate(batch_size: int) -> None:
    """Re-encrypt all encrypted columns with the first key (also encrypts legacy plaintext rows)."""
    from engine.crypto import DataKeyError, reencrypt
    from engine.db import make_engine, make_session_factory
    from engine.models import Base

    settings = _settings()
    engine = make_engine(settings.database_url)
    try:
        counts = reencrypt(make_session_factory(engine), Base.metadata, batch_size=batch_size)
    except DataKeyError as exc:
        raise click.ClickException(exc.detail) from None
    finally:
        engine.dispose()
    for column, stats in counts.items():
        click.echo(f"{column}: {stats['rewritten']} von {stats['seen']} Zeilen neu verschlüsselt")


def _register_privacy_commands() -> None:
    from .cli_privacy import audit, retention

    main.add_command(audit)
    main.add_command(retention)


_register_privacy_commands()


def _register_ops_commands() -> None:
    from .cli_ops import backup, restore

    main.add_command(backup)
    main.add_command(restore)


_register_ops_commands()


def _register_report_commands() -> None:
    from .cli_reports import generate_demo, report

    main.add_command(generate_demo)
    main.add_command(report)


_register_report_commands()

if __name__ == "__main__":
    main()
