"""What every ``kim`` command shares: the settings with the data and audit keys, and units of work."""

from __future__ import annotations

import sys
from typing import NoReturn

import click
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine import crypto
from engine.audit import keys as audit_keys
from engine.config import Settings
from engine.db import make_engine, make_session_factory
from engine.errors import InvalidInput, KimError


def settings() -> Settings:
    """Settings from KIM_* with the data and audit keys configured (a bad key: a clean message, exit 1)."""
    current = Settings.from_env()
    try:
        crypto.configure(current)
        audit_keys.configure(current)
    except (crypto.DataKeyError, audit_keys.AuditKeyError) as exc:
        raise click.ClickException(exc.detail) from None
    return current


def sessions(current: Settings) -> tuple[Engine, sessionmaker[Session]]:
    """A database engine and its session factory, for ``engine.uow.unit_of_work`` (the caller disposes)."""
    engine = make_engine(current.database_url)
    return engine, make_session_factory(engine)


def fail(exc: KimError) -> NoReturn:
    """Print the error and, for bad input, each field's messages on a line of its own; exit 1."""
    click.echo(exc.detail, err=True)
    for path, messages in (exc.errors if isinstance(exc, InvalidInput) else {}).items():
        for message in messages:
            click.echo(f"  {path}: {message}", err=True)
    sys.exit(1)
