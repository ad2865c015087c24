"""Whose process and form versions: the shared base (``tenant_id`` NULL, deployed by ``kim setup``,
``kim deploy`` and the CLI) and a tenant's own versions (deployed by its process owners in the browser
or the API), which override the base until the tenant resets to it.

"The current version for tenant T" is T's own current version if it has one, else the base's current
one: every lookup of a current process or form version goes through :func:`current_row`. A tenant sees
the base's versions and its own, never another tenant's (:func:`visible`)."""

from __future__ import annotations

from functools import cache
from typing import TypeVar

from sqlalchemy import BindParameter, ColumnElement, bindparam, or_, select, update
from sqlalchemy.orm import Session

from ..errors import InvalidInput
from .models import FormVersion, ProcessVersion

BASE, TENANT = "base", "tenant"
Row = TypeVar("Row", ProcessVersion, FormVersion)


def visible(model: type[Row], tenant_id: int | BindParameter[int] | None) -> ColumnElement[bool]:
    """The versions a tenant sees: the base's and its own (the base alone without a tenant)."""
    if tenant_id is None:
        return model.tenant_id.is_(None)
    return or_(model.tenant_id.is_(None), model.tenant_id == tenant_id)


def owned(model: type[Row], tenant_id: int | None) -> ColumnElement[bool]:
    """The versions one owner deployed: the base's (``None``) or one tenant's."""
    return model.tenant_id.is_(None) if tenant_id is None else model.tenant_id == tenant_id


def key_of(model: type[Row]):
    return ProcessVersion.process_id if model is ProcessVersion else FormVersion.form_key


def current_row(session: Session, model: type[Row], key: str, tenant_id: int | None) -> Row | None:
    """The version new work of ``tenant_id`` uses: its own current one, else the base's."""
    params = {"version_key": key} if tenant_id is None else {"version_key": key, "version_tenant": tenant_id}
    return session.scalars(_current_row_query(model, tenant_id is not None), params).first()


@cache
def _current_row_query(model: type[Row], of_tenant: bool):
    """The query of :func:`current_row`, built once per model and kind (a statement object keeps its
    cache key, so the requests after the first skip building both)."""
    return _current_id_query(model, of_tenant).with_only_columns(model)


@cache
def _current_id_query(model: type[Row], of_tenant: bool):
    tenant: BindParameter[int] | None = bindparam("version_tenant") if of_tenant else None
    return current_id_query(model, bindparam("version_key"), tenant)


def current_id(session: Session, model: type[Row], key: str, tenant_id: int | None) -> int | None:
    """The id of :func:`current_row` (one indexed query, no schema or XML loaded; built once)."""
    params = {"version_key": key} if tenant_id is None else {"version_key": key, "version_tenant": tenant_id}
    return session.scalar(_current_id_query(model, tenant_id is not None), params)


def current_id_query(model: type[Row], key, tenant_id: int | BindParameter[int] | None):
    """The query of :func:`current_id`; ``key`` may be a column of an outer query (a subquery), and
    ``tenant_id`` a bound parameter (a statement built once)."""
    return (
        select(model.id)
        .where(key_of(model) == key, model.is_current.is_(True), visible(model, tenant_id))
        .order_by(model.tenant_id.is_(None))  # the tenant's own first
        .limit(1)
    )


def source(row: ProcessVersion | FormVersion) -> str:
    """Whose version a row is: ``base`` or ``tenant``."""
    return BASE if row.tenant_id is None else TENANT


def next_number(session: Session, model: type[Row], key: str) -> int:
    """Version numbers count per process or form across base and tenants (one sequence, no repeats)."""
    last = session.scalar(
        select(model.version).where(key_of(model) == key).order_by(model.version.desc()).limit(1)
    )
    return (last or 0) + 1


def reset_to_base(session: Session, model: type[Row], key: str, tenant_id: int) -> tuple[Row, bool]:
    """The tenant's own current version stops being current, so new work uses the base's current one.
    (the base's current version, whether anything changed); 422 when the base has none."""
    base = current_row(session, model, key, None)
    if base is None:
        what = "diesen Prozess" if model is ProcessVersion else "dieses Formular"
        raise InvalidInput(
            f"Für {what} gibt es keine Basisversion; der Kreis kann nicht zu ihr zurückkehren."
        )
    changed = session.execute(
        update(model)
        .where(key_of(model) == key, model.tenant_id == tenant_id, model.is_current.is_(True))
        .values(is_current=False)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # DML through Session.execute gives a CursorResult
    return base, bool(changed)
