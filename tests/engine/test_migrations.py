"""Alembic migrations on the database in use (SQLite or PostgreSQL): up, down, up, and no drift."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from engine.db import Base
from engine.migrate import alembic_config, upgrade


def _load_all_models() -> None:
    import engine.models  # noqa: F401  (registers every table on Base.metadata)


def test_upgrade_downgrade_upgrade_and_the_models_match_the_schema(empty_db):
    upgrade(empty_db.url)
    with empty_db.engine.connect() as conn:
        heads = ScriptDirectory.from_config(alembic_config(empty_db.url)).get_heads()
        assert sorted(MigrationContext.configure(conn).get_current_heads()) == sorted(heads)
        tables = set(inspect(conn).get_table_names())
    assert {"cases", "history", "tasks", "process_instances", "timers", "audit_log"} <= tables

    command.downgrade(alembic_config(empty_db.url), "base")
    with empty_db.engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}

    upgrade(empty_db.url)
    _load_all_models()
    with empty_db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata)
    # What the models declare is what the migrations build (tables, columns, indexes).
    assert diff == [], diff
