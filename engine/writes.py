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

When every part's statement was built once and declared with ``kept`` (as a step's are), the one
statement is built once per shape (which statements, in which order, and for a row which columns) and
kept too, its rows' values bound as parameters. Built anew at every step, its construction and cache
key had been a quarter of a completion's time on PostgreSQL (docs/performance.md). Statements built
per call (with their values in them) are combined anew each time, and nothing keeps them.

On SQLite (no data-modifying ``WITH``, and no network between) ``later`` executes at once.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Delete, Insert, Select, Update, bindparam, event, func, literal_column, select
from sqlalchemy.orm import Session

_KEPT = "kim_writes_kept"
S = TypeVar("S", Insert, Update, Delete)


@dataclass(frozen=True)
class Part:
    """One write: the statement and, if it must hit an exact number of rows, that number and the
    error to raise otherwise."""

    statement: Insert | Update | Delete
    expect: int | None = None
    error: Exception | None = None
    params: dict | None = None
    row: dict | None = None  # one row of an INSERT (its values by column key), bound when sent


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
        parts = [Part(statement, row=row) for row in rows]
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
        only = parts[0]
        session.connection().execute(only.statement, only.row if only.row is not None else only.params)
        return
    params: dict = {}
    for i, part in enumerate(parts):
        values = part.params or {}
        if part.row is not None:
            values = {f"kim_w{i}_{key}": value for key, value in part.row.items()}
        clash = params.keys() & values.keys()
        if clash:
            raise RuntimeError(f"two writes sent together bind the parameters {sorted(clash)}")
        params.update(values)
    row = session.connection().execute(_combined(parts), params).one()
    for part, n in zip(parts, row, strict=True):
        _check(part, n)


# Statements built once for the life of the process (``kept``), by id: an id names one statement for good.
_KEPT_STATEMENTS: dict[int, Insert | Update | Delete] = {}
# The combined statements of kept statements by shape: (id of each part's statement, its row's columns or
# None), the oldest dropped beyond the limit.
_COMBINED: dict[tuple, Select] = {}
_COMBINED_MAX = 256
_COMBINED_LOCK = threading.Lock()


def kept(statement: S) -> S:
    """Declare ``statement`` built once for the life of the process (a module's constant): the one
    statement it is sent in on PostgreSQL is then kept as well."""
    _KEPT_STATEMENTS[id(statement)] = statement
    return statement


def _combined(parts: Sequence[Part]) -> Select:
    """The one statement of ``parts``: data-modifying WITH parts and a count of each one's rows, with
    every value a bound parameter (a row's as ``kim_w<i>_<column key>``)."""
    shape = tuple((id(p.statement), None if p.row is None else tuple(p.row)) for p in parts)
    found = _COMBINED.get(shape)
    if found is not None:
        return found
    ctes = [_bound(part, i).returning(literal_column("1")).cte(f"kim_w{i}") for i, part in enumerate(parts)]
    counts = select(
        *(select(func.count()).select_from(c).scalar_subquery().label(f"n{i}") for i, c in enumerate(ctes))
    )
    if all(key[0] in _KEPT_STATEMENTS for key in shape):
        with _COMBINED_LOCK:
            if len(_COMBINED) >= _COMBINED_MAX:
                _COMBINED.pop(next(iter(_COMBINED)))
            _COMBINED[shape] = counts
    return counts


def _bound(part: Part, index: int) -> Insert | Update | Delete:
    """The part's statement; for a row, its INSERT with a parameter of the column's own type per value
    (the column's type encrypts what it must, engine/crypto.py)."""
    if part.row is None:
        return part.statement
    columns = part.statement.table.c
    return part.statement.values(  # type: ignore[union-attr]
        {key: bindparam(f"kim_w{index}_{key}", type_=columns[key].type) for key in part.row}
    )


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
