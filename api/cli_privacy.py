"""`kim audit verify` and `kim retention run`: data-protection housekeeping from the shell."""
from __future__ import annotations

import json

import click

from engine import hooks
from engine.audit.service import verify
from engine.db import make_engine, make_session_factory
from engine.retention.service import run

from .cli_common import settings as load_settings


def _sessions():
    settings = load_settings()
    engine = make_engine(settings.database_url)
    return settings, engine, make_session_factory(engine)


@click.group()
def audit() -> None:
    """The audit trail (hash chain)."""


@audit.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain; exit code 1 and the first bad entry if it was altered."""
    _settings, engine, sessions = _sessions()
    with sessions() as session:
        verdict = verify(session)
    engine.dispose()
    if verdict.ok:
        click.echo(f"Protokoll unverändert: {verdict.entries} Einträge, Kette vollständig.")
        return
    click.echo(f"Protokoll VERÄNDERT bei Eintrag {verdict.broken_at}: {verdict.problem} "
               f"({verdict.entries} Einträge davor sind in Ordnung).", err=True)
    raise SystemExit(1)


@click.group()
def retention() -> None:
    """Removing personal data of closed cases after the retention period."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Only list the cases that are due.")
def retention_run(dry_run: bool) -> None:
    """Anonymise every case that is due now (the scheduler does this regularly too)."""
    settings, engine, sessions = _sessions()
    hooks.wire()  # stopping a case's processes runs their stop hooks
    report = run(sessions, default_days=settings.retention_days, dry_run=dry_run)
    engine.dispose()
    key = "due" if dry_run else "anonymised"
    click.echo(json.dumps({key: report.anonymised, "failed": report.failed}, ensure_ascii=False))
    if report.failed:
        raise SystemExit(1)
