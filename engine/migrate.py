"""Running Alembic migrations from code (``kim migrate``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """An Alembic config pointing at our migrations and ``database_url``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str) -> None:
    """Bring the database schema to the newest revision."""
    command.upgrade(alembic_config(database_url), "head")


@lru_cache(maxsize=1)
def head_revisions() -> tuple[str, ...]:
    """The newest revision(s) of our migrations (read once per process)."""
    return tuple(sorted(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()))


def current_revisions(connection) -> tuple[str, ...]:
    """The revision(s) the database on ``connection`` is at (empty: not migrated)."""
    return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
