"""`kim backup` and `kim restore` (docs/production.md)."""

from __future__ import annotations

from pathlib import Path

import click

from engine.backup import BackupError
from engine.backup import backup as run_backup
from engine.backup import restore as run_restore
from engine.migrate import current_revisions, head_revisions
from engine.uow import unit_of_work

from .cli_common import sessions as open_sessions
from .cli_common import settings as load_settings

KEYS_WARNING = (
    "Die Datenschlüssel (KIM_DATA_KEYS bzw. {key_file}) und die Protokollschlüssel (KIM_AUDIT_KEYS "
    "bzw. {audit_file}) sind NICHT in der Sicherung: getrennt aufbewahren, ohne sie sind die "
    "verschlüsselten Daten verloren und das Protokoll nicht mehr prüfbar."
)


@click.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup(target: Path) -> None:
    """Back up the database of KIM_DATABASE_URL to TARGET (online; the service may keep running)."""
    settings = load_settings()
    try:
        outcome = run_backup(settings.database_url, target)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Gesichert ({outcome.kind}, {outcome.tables} Tabellen): {outcome.path}")
    click.echo(
        KEYS_WARNING.format(
            key_file=settings.data_dir / "data.key", audit_file=settings.data_dir / "audit.key"
        ),
        err=True,
    )


@click.command()
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite a database that already holds data.")
def restore(source: Path, replace: bool) -> None:
    """Restore SOURCE into the database of KIM_DATABASE_URL (stop web servers and schedulers first)."""
    settings = load_settings()
    try:
        outcome = run_restore(settings.database_url, source, replace=replace)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    engine, sessions = open_sessions(settings)
    try:
        with unit_of_work(sessions, write=False) as session:
            current = current_revisions(session.connection())
    finally:
        engine.dispose()
    click.echo(f"Wiederhergestellt ({outcome.kind}, {outcome.tables} Tabellen), Schema {','.join(current)}.")
    if current != head_revisions():
        click.echo("Das Schema ist älter als diese Version: jetzt `kim migrate` ausführen.", err=True)
