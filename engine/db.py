"""Database engine, session factory, declarative base and shared column types."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every table."""

    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes, stored in UTC on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    # SQLite keeps a datetime as the text "YYYY-MM-DD HH:MM:SS.ffffff" (SQLAlchemy's DATETIME). On
    # SQLite the two steps (this type's, then DATETIME's formatting or parsing) are one here, with the
    # standard library's ISO functions: the same text and the same values at a third less per value,
    # which an inbox of 100 tasks does 300 times (tests/engine/test_utc_datetime.py).

    def bind_processor(self, dialect):
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def process(value):
            if value is None:
                return None
            if value.tzinfo is None:
                raise ValueError("naive datetime")
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")

        return process

    def result_processor(self, dialect, coltype):
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        slow = super().result_processor(dialect, coltype)
        parse = datetime.fromisoformat

        def process(value):
            if value is None:
                return None
            try:
                found = parse(value)
            except (TypeError, ValueError):  # not the usual text: DATETIME's own parsing decides
                return slow(value) if slow else value
            return found.replace(tzinfo=UTC) if found.tzinfo is None else found.astimezone(UTC)

        return process


WRITE = "kim_write"
UNIT = "kim_unit"  # session.info: "write" or "read" while a unit of work (engine/uow.py) owns it
_IDENTITY = "kim_file_identity"
_RESTED = "kim_rested_since"
# A pooled PostgreSQL connection that rested longer than this (seconds) is pinged before use.
PING_AFTER_REST = 1.0


def make_engine(url: str, ping_after_rest: float = PING_AFTER_REST) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and explicit write locking.

    A server connection that rested in the pool longer than ``ping_after_rest`` seconds is checked
    before use (a server restart or a cut network is noticed there, and the pool opens a new one);
    one in steady use is not, which saves a round trip per request under load.
    """
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    elif url.startswith("postgresql") and "connect_timeout" not in url:
        # An unreachable server fails the request (503) in seconds instead of hanging the worker.
        kwargs["connect_args"] = {"connect_timeout": 5}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    else:
        _ping_after_rest(engine, ping_after_rest)
    return engine


def _ping_after_rest(engine: Engine, seconds: float) -> None:
    """SQLAlchemy's pre-ping, for connections that rested: a failed ping discards the connection
    and the pool hands out (or opens) another one, as the pool's own pre-ping does. A connection
    that breaks between a ping and its use fails that request (503) and SQLAlchemy invalidates
    the pool's older connections with it, so the next request gets a fresh one."""

    @event.listens_for(engine, "checkin")
    def _rested_from(_dbapi_conn, record):
        record.info[_RESTED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_rested(dbapi_conn, record, _proxy):
        rested = record.info.pop(_RESTED, None)
        if rested is None or time.monotonic() - rested <= seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("the database connection did not answer the ping") from error


def _file_identity(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _configure_sqlite(engine: Engine) -> None:
    path = engine.url.database or ""
    on_disk = bool(path) and path != ":memory:" and not path.startswith("file:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, record):
        if on_disk:
            record.info[_IDENTITY] = _file_identity(path)
        # We issue BEGIN ourselves so that writers can take the lock up front.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    if on_disk:

        @event.listens_for(engine, "checkout")
        def _same_file(_dbapi_conn, record, _proxy):
            # SQLite's pre-ping: a pooled connection keeps using a database file that was moved,
            # removed or replaced (a restore), so such a connection is dropped and reopened.
            if _file_identity(path) != record.info.get(_IDENTITY):
                raise DisconnectionError("the SQLite database file changed or is gone")

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A writer must lock before it reads; otherwise two writers that read the same
        # row in WAL mode fail with SQLITE_BUSY instead of waiting for each other.
        immediate = conn.get_execution_options().get(WRITE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that never expire on commit (objects stay readable after their unit ends)."""
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


def begin_write(session: Session) -> None:
    """State that the caller writes: it must run in a writing unit of work (engine/uow.py).

    Commits nothing and behaves the same on every database. In a writing unit it is a
    no-op (on SQLite the unit took the write lock at its start). In a read-only unit or
    read-only transaction it raises: that is a programming error. A session outside any
    unit (a test's own session) that has not begun yet begins a writer transaction here.
    """
    unit = session.info.get(UNIT)
    if unit == "write":
        return
    if unit == "read":
        raise RuntimeError("begin_write() in a read-only unit of work")
    if not session.in_transaction():
        session.connection(execution_options={WRITE: True})
    elif not session.connection().get_execution_options().get(WRITE):
        raise RuntimeError("begin_write() inside a read-only transaction")
