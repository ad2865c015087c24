"""The unit of work: one transaction per request and per job, committed once at its end.

How it works (the same on SQLite and PostgreSQL):

- Whoever starts work opens the unit: the HTTP request hooks (api/context.py) for every
  request, and the job code for every job (timer firing, retention, key rotation, CLI
  commands, the demo generator) with ``unit_of_work(sessions)``.
- A unit is writing or read-only, decided when it opens. A writing unit begins its
  transaction at once with the ``kim_write`` execution option, so on SQLite it holds the
  write lock from its first statement (BEGIN IMMEDIATE): concurrent writers queue instead
  of failing with SQLITE_BUSY, and nothing is committed half-way. On PostgreSQL the option
  does nothing; services lock the rows they change with SELECT ... FOR UPDATE.
- Services never commit or roll back. A service that writes calls ``engine.db.begin_write``
  first, which only checks that it runs in a writing unit (a read-only unit is a
  programming error and raises).
- The unit commits once when its block ends normally. Any exception, or ``fail(session)``
  (an error answered without raising, e.g. a web form shown again with a message), rolls
  back everything it did, audit rows included.
- A unit acts for a tenant scope (engine/tenancy/scope.py), set when it opens: job units act for all
  tenants unless given one (``tenant=``), the HTTP request's unit starts in the identity lookup of
  authentication and acts for the user's tenant once it is known (api/context.py). On PostgreSQL the
  scope is set per transaction and Row-Level Security enforces it (engine/tenancy/rls.py).
- Jobs that work in batches open one unit per batch or item in the job's own loop
  (engine/timers/jobs.py: one per timer; engine/retention/jobs.py: one per case;
  engine/crypto.py key rotation: one per batch), so one failure rolls back only its part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session

from .db import UNIT, WRITE
from .tenancy import fill as _fill  # noqa: F401  (registers the tenant fill of new rows)
from .tenancy import scope

FAILED = "kim_unit_failed"
WRITING, READING = "write", "read"


def begin(session: Session, *, write: bool, tenant: int | str | None = None) -> Session:
    """Make ``session`` a unit of work; a writing unit begins its transaction (and lock) now.

    ``tenant``: the tenant id it acts for, or a scope word of engine/tenancy/scope.py; by default it
    keeps the scope the session has, else all tenants (a job's unit).
    """
    if session.in_transaction():
        raise RuntimeError("a unit of work must start with a fresh session")
    if tenant is not None or scope.scope_of(session) is None:
        session.info[scope.SCOPE] = scope.ALL if tenant is None else tenant
    session.info[UNIT] = WRITING if write else READING
    session.info.pop(FAILED, None)
    if write:
        session.connection(execution_options={WRITE: True})
    return session


def is_writing(session: Session) -> bool:
    """Whether ``session`` belongs to a writing unit of work."""
    return session.info.get(UNIT) == WRITING


def is_read_only(session: Session) -> bool:
    """Whether ``session`` belongs to a read-only unit of work."""
    return session.info.get(UNIT) == READING


def fail(session: Session) -> None:
    """Mark the unit failed: it rolls back at its end although no exception ended it."""
    session.info[FAILED] = True


def finish(session: Session, *, ok: bool = True) -> None:
    """End the unit: commit when ``ok`` and not marked failed, else roll back; then close."""
    try:
        if ok and not session.info.get(FAILED):
            session.commit()
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(UNIT, None)
        session.info.pop(FAILED, None)
        scope.clear(session)
        session.close()


@contextmanager
def unit_of_work(
    sessions: Callable[[], Session], *, write: bool = True, tenant: int | str | None = None
) -> Iterator[Session]:
    """A new session as one unit of work: committed at the end, rolled back on any error.

    It acts for ``tenant`` (an id or a scope word), by default for all tenants (a job)."""
    session = begin(sessions(), write=write, tenant=tenant)
    try:
        yield session
    except BaseException:
        finish(session, ok=False)
        raise
    finish(session)


@event.listens_for(Session, "before_flush")
def _no_writes_when_reading(session: Session, _context, _instances) -> None:
    # A read-only unit holds no write lock on SQLite; writing there would race other writers.
    if is_read_only(session) and (session.new or session.dirty or session.deleted):
        raise RuntimeError("changes in a read-only unit of work")
