"""A new object's row inserted by a statement built once, the object then persistent as if flushed.

The ORM's flush of one new object (a case, a process instance) runs the whole unit-of-work machinery
and builds its INSERT anew: for an opened case that was about a fifth of the request
(docs/performance.md). ``insert`` sends ``INSERT ... RETURNING id`` of a statement built once per table,
with every column's value bound, and then makes the object persistent in the session as a row just
loaded: the same row, the same object, no flush.

Every column gets the value the ORM would give it: the attribute the code set, else the column's
constant default, else NULL. An object this cannot write the same way (a column with a default
computed in Python or by the database and no value set, a missing tenant) goes through the ORM's
flush as before, and so does anything the session still holds unflushed (it may be the new row's
parent).
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Insert, Table, inspect
from sqlalchemy import insert as sql_insert
from sqlalchemy.orm import Mapper, Session, make_transient_to_detached

from .db import begin_write

T = TypeVar("T")
_UNSET = object()


def insert(session: Session, obj: T) -> T:
    """Insert ``obj`` (a new mapped object with an integer id the database assigns) now; returns it,
    persistent in ``session``."""
    begin_write(session)
    values = None if (session.new or session.dirty or session.deleted) else _values(obj)
    if values is None:
        session.add(obj)
        session.flush()
        return obj
    model: Any = type(obj)  # a class is hashable; mypy's Hashable check does not see it
    statement, pk = _statement(model)
    setattr(obj, pk, session.execute(statement, values).scalar_one())
    make_transient_to_detached(obj)  # every attribute as loaded from the row, none pending
    session.add(obj)
    return obj


def _values(obj: Any) -> dict[str, Any] | None:
    """Every column's value by column key (setting defaults on ``obj``), or None: let the ORM write it."""
    values: dict[str, Any] = {}
    state = obj.__dict__
    model: Any = type(obj)
    for key, column in _columns(model):
        value = state.get(key, _UNSET)
        if value is _UNSET:
            default = column.default
            if default is not None and not default.is_scalar:  # computed in Python: the ORM's way
                return None
            if default is None and column.server_default is not None:  # the database's: read back
                return None
            value = default.arg if default is not None else None
            if value is None and not column.nullable:
                return None  # e.g. a tenant left for the flush to fill (engine/tenancy/fill.py)
            setattr(obj, key, value)
        values[column.key] = value
    return values


@cache
def _columns(model: Any) -> tuple:
    """(attribute key, column) of every column but the primary key."""
    mapper: Mapper[Any] = inspect(model)
    return tuple(
        (attr.key, attr.columns[0]) for attr in mapper.column_attrs if not attr.columns[0].primary_key
    )


@cache
def _statement(model: Any) -> tuple[Insert, str]:
    """The INSERT of every column, built once per model (its cache key kept on the object), and the
    primary key's attribute."""
    mapper: Mapper[Any] = inspect(model)
    table = mapper.local_table
    assert isinstance(table, Table)
    (pk,) = mapper.primary_key
    return sql_insert(table).returning(pk), mapper.get_property_by_column(pk).key
