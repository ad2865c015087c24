"""Readiness as operators ask for it: does the database answer, at which migration is its schema, and
can a writer get the write lock now?"""

from __future__ import annotations

import sqlite3

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from .migrate import current_revisions

WRITE_PROBE_MS = 1_000  # a writer that waits longer than this is "blocked"


def database_revisions(session: Session) -> tuple[str, ...]:
    """The schema revision(s) the database is at; raises the driver's error if it does not answer."""
    session.execute(text("SELECT 1"))
    return current_revisions(session.connection())


def writes_blocked(session: Session) -> str | None:
    """Why a write would not get through now, or None; on a connection of its own, not ``session``'s.

    SQLite: ``BEGIN IMMEDIATE`` with a busy timeout of WRITE_PROBE_MS, then ROLLBACK (nothing is
    written); it fails while another writer holds the lock longer than that. PostgreSQL: the server
    is not a read-only standby and does not default to read-only transactions (row locks block only
    the rows' writers, never everyone).
    """
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(f"PRAGMA busy_timeout={WRITE_PROBE_MS}")
            try:
                cursor.execute("BEGIN IMMEDIATE")
                cursor.execute("ROLLBACK")
            except sqlite3.OperationalError as exc:
                return f"write lock not free within {WRITE_PROBE_MS} ms ({exc})"
            finally:
                cursor.execute("PRAGMA busy_timeout=30000")  # engine/db.py's setting for everyone else
                cursor.close()
        finally:
            raw.close()
        return None
    with engine.connect() as conn:
        standby, read_only = conn.execute(
            text("SELECT pg_is_in_recovery(), current_setting('default_transaction_read_only')")
        ).one()
        conn.rollback()
    if standby or read_only == "on":
        return "database accepts no writes (standby or read-only)"
    return None
