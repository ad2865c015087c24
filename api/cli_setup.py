"""``kim migrate``, ``deploy``, ``seed``, ``setup`` and ``keys``: preparing a database and its keys."""

from __future__ import annotations

import sys

import click

from engine.crypto import DataKeyError, generate_key, reencrypt
from engine.db import make_engine, make_session_factory
from engine.errors import KimError
from engine.escalations.bodies import seed_bodies
from engine.migrate import upgrade
from engine.models import Base
from engine.org.service import seed_organisation
from engine.processes.service import deploy_directories
from engine.uow import unit_of_work

from .cli_common import fail
from .cli_common import sessions as open_sessions
from .cli_common import settings as load_settings


@click.command()
def migrate() -> None:
    """Create or upgrade the database schema (Alembic)."""
    settings = load_settings()
    upgrade(settings.database_url)
    click.echo("Datenbank ist auf dem neuesten Stand.")


@click.command()
def deploy() -> None:
    """Deploy processes/ and forms/ (only what changed)."""
    settings = load_settings()
    engine, sessions = open_sessions(settings)
    try:
        with unit_of_work(sessions) as session:
            changed = deploy_directories(session, settings.processes_dir, settings.forms_dir)
    except KimError as exc:
        click.echo(f"Bereitstellung abgebrochen: {exc.detail} {exc.extra or ''}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo("Bereitgestellt: " + (", ".join(changed) if changed else "nichts geändert"))


@click.command()
def seed() -> None:
    """Load the organisation seed (and demo accounts when KIM_DEMO=1)."""
    settings = load_settings()
    engine, sessions = open_sessions(settings)
    try:
        with unit_of_work(sessions) as session:
            counts = seed_organisation(session, settings.seed_file, settings.demo)
            counts["new_bodies"] = seed_bodies(session, settings.seed_file)
    except KimError as exc:
        fail(exc)
    finally:
        engine.dispose()
    click.echo(f"Organisation geladen: {counts}")


@click.command()
@click.pass_context
def setup(ctx: click.Context) -> None:
    """migrate + deploy + seed."""
    ctx.invoke(migrate)
    ctx.invoke(deploy)
    ctx.invoke(seed)


@click.group()
def keys() -> None:
    """Keys for personal data at rest (KIM_DATA_KEYS, docs/security.md)."""


@keys.command("generate")
def keys_generate() -> None:
    """Print a new key; put it first in KIM_DATA_KEYS, keep the old ones after it."""
    click.echo(generate_key())


@keys.command("rotate")
@click.option("--batch-size", type=int, default=500, show_default=True, help="rows per transaction")
def keys_rotate(batch_size: int) -> None:
    """Re-encrypt all encrypted columns with the first key (also encrypts legacy plaintext rows)."""
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        counts = reencrypt(make_session_factory(engine), Base.metadata, batch_size=batch_size)
    except DataKeyError as exc:
        raise click.ClickException(exc.detail) from None
    finally:
        engine.dispose()
    for column, stats in counts.items():
        click.echo(f"{column}: {stats['rewritten']} von {stats['seen']} Zeilen neu verschlüsselt")
