"""`kim audit ...` and `kim retention run`: data-protection housekeeping from the shell."""

from __future__ import annotations

import json

import click
from sqlalchemy.exc import SQLAlchemyError

from engine import hooks
from engine.audit import anchor, keys
from engine.audit.checkpoint import write
from engine.audit.verify import entries, verify
from engine.db import make_engine, make_session_factory
from engine.retention.jobs import run
from engine.uow import unit_of_work

from .cli_common import settings as load_settings


def _sessions():
    settings = load_settings()
    engine = make_engine(settings.database_url)
    return settings, engine, make_session_factory(engine)


@click.group()
def audit() -> None:
    """The audit trail (keyed MAC chain, signed checkpoints outside the database)."""


def _report_lines(report) -> list[str]:
    lines = []
    if report.legacy_until:
        lines.append(
            f"Einträge 1–{report.legacy_until}: vor der Umstellung geschrieben, ungeschlüsselt "
            "(SHA-256); gesichert durch die folgenden gesiegelten Einträge."
        )
    cp = report.checkpoint
    if cp is None:
        lines.append("Noch kein Prüfpunkt vorhanden.")
    else:
        lines.append(
            f"Abgeglichen mit dem Prüfpunkt vom {cp.at[:19].replace('T', ' ')} UTC "
            f"({entries(cp.count)}, letzter Eintrag {cp.last_id})."
        )
    return lines


def _anchor(settings, report) -> None:
    try:
        cp = write(keys.keyring(), settings.anchor_dir(), report)
    except OSError as exc:
        click.echo(
            f"Prüfpunkt konnte nicht geschrieben werden ({settings.anchor_dir()}): {exc.strerror}.", err=True
        )
        raise SystemExit(1) from None
    if cp is not None:
        click.echo(
            f"Neuer Prüfpunkt: {entries(cp.count)}, letzter Eintrag {cp.last_id} ({settings.anchor_dir()})."
        )


def _fail(report) -> None:
    click.echo(
        "Protokoll VERÄNDERT"
        + (f", erster fehlerhafter Eintrag: {report.broken_at}" if report.broken_at else "")
        + ":",
        err=True,
    )
    for problem in report.problems:
        click.echo(f"- {problem}", err=True)
    click.echo(f"(Geprüft: {entries(report.entries)} in Ordnung.)", err=True)
    raise SystemExit(1)


def _run(check):
    """Run ``check(settings, sessions)`` with the database errors a damaged schema gives, in German."""
    settings, engine, sessions = _sessions()
    try:
        return settings, check(settings, sessions)
    except SQLAlchemyError as exc:
        click.echo(
            "Protokoll nicht lesbar: Tabelle fehlt, Spalten verändert oder Datenbank nicht erreichbar "
            f"({exc.__class__.__name__}).",
            err=True,
        )
        raise SystemExit(1) from None
    finally:
        engine.dispose()


@audit.command("verify")
def audit_verify() -> None:
    """Check the whole chain, the head, the append-only triggers and the latest checkpoint.

    Exit code 1 and every problem (first bad entry, missing range) if the trail was altered;
    otherwise a new checkpoint is appended to KIM_AUDIT_ANCHOR_DIR.
    """

    def check(settings, sessions):
        with unit_of_work(sessions, write=False) as session:
            return verify(session, keys.keyring(), settings.anchor_dir())

    settings, report = _run(check)
    if not report.ok:
        _fail(report)
    click.echo(f"Protokoll unverändert: {entries(report.entries)}, Kette vollständig.")
    for line in _report_lines(report):
        click.echo(line)
    _anchor(settings, report)


@audit.command("checkpoint")
def audit_checkpoint() -> None:
    """Check what came since the latest checkpoint and append a new signed one (the scheduler does so too)."""

    def check(settings, sessions):
        ring = keys.keyring()
        last, problem = anchor.latest(settings.anchor_dir(), ring)
        with unit_of_work(sessions, write=False) as session:
            return verify(session, ring, settings.anchor_dir(), since=last if problem is None else None)

    settings, report = _run(check)
    if not report.ok:
        _fail(report)
    before = report.checkpoint
    _anchor(settings, report)
    if before is not None and (before.count, before.last_mac) == (report.entries, report.last_mac):
        click.echo(f"Keine neuen Einträge seit dem Prüfpunkt vom {before.at[:19].replace('T', ' ')} UTC.")


@audit.command("generate-key")
def audit_generate_key() -> None:
    """Print a new audit key; put it first in KIM_AUDIT_KEYS, keep the old ones after it."""
    click.echo(keys.generate_key())


@audit.command("public-keys")
def audit_public_keys() -> None:
    """The checkpoints' Ed25519 public keys (key id and hex), for auditors who check the anchor file."""
    load_settings()  # configures the keys (and reports a malformed one)
    ring = keys.keyring()
    for kid, public in ring.public_keys().items():
        click.echo(f"{kid} {public}" + (" (signiert neue Prüfpunkte)" if kid == ring.primary_id else ""))


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
