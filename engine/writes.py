"""Writes of one step sent together: on PostgreSQL as one statement, elsewhere at once.

A task completion writes the instance's state, its history rows, the heat map's step rows, the task
projection and the audit entry. Sent one by one, each is a round trip to PostgreSQL; ``later`` keeps
them in the session instead, and the next time the session talks to the database they go out first,
as one statement of data-modifying ``WITH`` parts (``WITH w0 AS (UPDATE ... RETURNING 1), w1 AS
(INSERT ... RETURNING 1) SELECT (SELECT count(*) FROM w0), ...``). ``send`` adds the caller's own
statements to that one statement (the audit entry and its head).

"The next time" means: before any statement of the session (``do_orm_execute``: queries, ``get``,
lazy loads), before the ORM writes its own objects (``before_flush``) and before the commit. So a read
always sees the writes before it, rows referring to a new task row come after it, and nothing kept is
lost; a rollback drops what was kept together with the rest of the transaction. The parts of one
statement see the same snapshot and PostgreSQL changes a row at most once per statement, so an UPDATE
or DELETE of a table that a kept part writes sends the kept parts first. Foreign keys of a part must
point to rows that exist already (the callers keep writes of new rows that nothing kept refers to).

A statement may be built once and kept (SQLAlchemy then keeps its cache key on the object, sparing
its construction and key on every call): its bound parameters come as ``params``. The parameter
names of the parts sent together must not clash (``_send`` refuses a clash).

A part may expect a row count (the instance's optimistic lock: exactly one row); when it differs, the
part's error is raised where the writes went out.

On SQLite (no data-modifying ``WITH``, and no network between) ``later`` executes at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Delete, Insert, Update, event, func, literal_column, select
from sqlalchemy.orm import Session

_KEPT = "kim_writes_kept"


@dataclass(frozen=True)
class Part:
    """One write: the statement and, if it must hit an exact number of rows, that number and the
    error to raise otherwise."""

    statement: Insert | Update | Delete
    expect: int | None = None
    error: Exception | None = None
    params: dict | None = None


def together(session: Session) -> bool:
    """Whether the session's writes are kept and sent as one statement (PostgreSQL)."""
    return session.get_bind().dialect.name == "postgresql"


def later(
    session: Session,
    statement: Insert | Update | Delete,
    rows: list[dict] | None = None,
    *,
    params: dict | None = None,
    expect=None,
    error=None,
) -> None:
    """Write ``statement`` (an INSERT of ``rows``, if given) with the session's next statement
    (PostgreSQL) or now (elsewhere).

    Elsewhere the rows go as one ``executemany`` of a statement compiled once. On PostgreSQL each row
    is a part of its own (an INSERT of one row): SQLAlchemy never caches a statement with a multi-row
    VALUES list, so one would be compiled anew at every step, which cost a completion about a third
    of its time. Core statements on tables (not ORM entities) cost least; ``params`` are the values
    of a statement built once and kept (its bound parameters)."""
    if rows is not None and not rows:
        return
    if not together(session):
        session.flush()  # the ORM's pending objects first, as a session.execute would
        connection = session.connection()
        result = connection.execute(statement, rows or params)
        _check(Part(statement, expect, error), result.rowcount)
        return
    if rows:
        if expect is not None:
            raise ValueError("a row count is expected of one statement, not of rows sent one by one")
        parts = [Part(statement.values(row)) for row in rows]  # type: ignore[union-attr]
    else:
        parts = [Part(statement, expect, error, params)]
    kept = session.info.setdefault(_KEPT, [])
    if not isinstance(statement, Insert) and any(_table(p) == _table(parts[0]) for p in kept):
        _flush_kept(session)  # a row written twice (or inserted, then changed) needs two statements
    session.info.setdefault(_KEPT, []).extend(parts)


def send(session: Session, *statements: Insert | Update | Delete | Part) -> None:
    """Write what is kept and ``statements`` now, on PostgreSQL in one statement (after the ORM's own
    pending objects, which the statements may refer to). A ``Part`` brings its parameters."""
    session.flush()
    parts = [*session.info.pop(_KEPT, []), *(s if isinstance(s, Part) else Part(s) for s in statements)]
    if not together(session):
        for part in parts:
            _check(part, session.connection().execute(part.statement, part.params).rowcount)
        return
    _send(session, parts)


def pending(session: Session) -> int:
    """How many writes are kept (for tests and the round-trip count)."""
    return len(session.info.get(_KEPT, ()))


def _send(session: Session, parts: Sequence[Part]) -> None:
    if not parts:
        return
    if len(parts) == 1 and parts[0].expect is None:
        session.connection().execute(parts[0].statement, parts[0].params)
        return
    params: dict = {}
    for part in parts:
        clash = params.keys() & (part.params or {}).keys()
        if clash:
            raise RuntimeError(f"two writes sent together bind the parameters {sorted(clash)}")
        params.update(part.params or {})
    ctes = [part.statement.returning(literal_column("1")).cte(f"kim_w{i}") for i, part in enumerate(parts)]
    counts = select(
        *(select(func.count()).select_from(c).scalar_subquery().label(f"n{i}") for i, c in enumerate(ctes))
    )
    row = session.connection().execute(counts, params).one()
    for part, n in zip(parts, row, strict=True):
        _check(part, n)


def _table(part: Part) -> str:
    return str(getattr(part.statement.table, "name", ""))


def _check(part: Part, rowcount: int) -> None:
    if part.expect is not None and rowcount != part.expect:
        raise part.error or RuntimeError(f"expected {part.expect} rows, wrote {rowcount}")


def _flush_kept(session: Session) -> None:
    kept = session.info.pop(_KEPT, None)
    if kept:
        _send(session, kept)


@event.listens_for(Session, "do_orm_execute")
def _before_statement(state) -> None:
    _flush_kept(state.session)


@event.listens_for(Session, "before_flush")
def _before_orm_writes(session: Session, _context, _instances) -> None:
    _flush_kept(session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    _flush_kept(session)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_KEPT, None)
