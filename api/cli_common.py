"""What every ``kim`` command shares: the settings with the data keys, and a database session."""
from __future__ import annotations

import click
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from engine import crypto
from engine.config import Settings
from engine.db import make_engine, make_session_factory


def settings() -> Settings:
    """Settings from KIM_* with the data keys configured (a bad key: a clean message, exit 1)."""
    current = Settings.from_env()
    try:
        crypto.configure(current)
    except crypto.DataKeyError as exc:
        raise click.ClickException(exc.detail) from None
    return current


def session(current: Settings) -> tuple[Engine, Session]:
    """A database engine and one session on it (the caller closes both)."""
    engine = make_engine(current.database_url)
    return engine, make_session_factory(engine)()
