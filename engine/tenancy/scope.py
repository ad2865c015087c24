"""The tenant scope of a unit of work, set per transaction on PostgreSQL as the GUC ``kim.tenant``.

A scope is one of:

- a tenant id: the unit acts for that county (a request after authentication, a firing timer);
- ``all`` (``use_all_tenants``): system work that spans counties (setup, the scheduler's jobs, CLI
  commands, the demo generator). It sees and writes every tenant's rows: such code must filter
  by tenant itself;
- ``state`` (``use_state``): read-only across tenants, and only the tables in ``STATE_READABLE``;
- ``identity`` (``use_identity_lookup``): authentication before the tenant is known; it reads and
  writes accounts and tokens only (engine/tenancy/rls.py ``IDENTITY_TABLES``).

The scope lives in ``session.info``. On PostgreSQL the session's ``after_begin`` event sets it for the
transaction with ``set_config('kim.tenant', ..., true)`` (one statement per transaction); a scope
changed inside a transaction (a request after authentication) is set at once. The policies of
engine/tenancy/rls.py compare each row's ``tenant_id`` with it: a transaction without a scope sees
nothing. On SQLite the scope is only recorded (the ORM fill of new rows uses it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import String, cast, event, func, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from .. import writes

SCOPE = "kim_tenant"  # session.info: a tenant id, or one of the words below
_APPLIED = "kim_tenant_applied"  # session.info: the scope set on the open transaction's connection
ALL, STATE, IDENTITY = "all", "state", "identity"
STATE_READABLE = ("tenants", "programme_events")

_SET = text("SELECT set_config('kim.tenant', :scope, true)")


def use_tenant(session: Session, tenant_id: int) -> None:
    """Act for one tenant from now on (in this transaction and the next ones of ``session``)."""
    if isinstance(tenant_id, bool) or not isinstance(tenant_id, int):
        raise TypeError(f"a tenant id is an int, not {tenant_id!r}")
    _set(session, tenant_id)


def use_all_tenants(session: Session) -> None:
    """System scope: every tenant's rows (jobs, setup, CLI, migrations). Filter by tenant yourself."""
    _set(session, ALL)


def use_state(session: Session) -> None:
    """Read-only across tenants, and only on ``STATE_READABLE`` (the state's figures)."""
    _set(session, STATE)


@contextmanager
def reading_as_state(session: Session) -> Iterator[None]:
    """Within the block: the state's read-only scope across tenants (the state figures' one query);
    afterwards the scope before it again (the state account's own tenant for its audit entries)."""
    before = session.info.get(SCOPE)
    use_state(session)
    try:
        yield
    finally:
        if before is not None:
            _set(session, before)


def use_identity_lookup(session: Session) -> None:
    """Authentication before any tenant is known: accounts and tokens only."""
    _set(session, IDENTITY)


def switches_with_row(session: Session) -> bool:
    """Whether the identity lookup's query (one row: the account a token belongs to) should carry
    ``switch_column``: on PostgreSQL in the identity scope. That column makes the transaction act for
    the row's tenant as the row is read, sparing the statement of ``use_tenant`` afterwards. Call
    ``switched`` with the row's tenant once the row is there. The lookup itself is bound by the
    identity scope: the row is found under it before its columns (this one among them) are computed."""
    return session.info.get(SCOPE) == IDENTITY and session.get_bind().dialect.name == "postgresql"


def switch_column(tenant_column):
    """The column that sets the transaction's tenant to the row's (``switches_with_row``)."""
    return func.set_config("kim.tenant", cast(tenant_column, String), True)


def switched(session: Session, tenant_id: int) -> None:
    """The identity lookup's row set the transaction's scope to ``tenant_id`` (``switches_with_row``)."""
    session.info[SCOPE] = tenant_id
    session.info[_APPLIED] = tenant_id


def current_tenant(session: Session) -> int | None:
    """The tenant the session acts for; None in all-tenant, state or identity scope, or none set."""
    scope = session.info.get(SCOPE)
    return scope if isinstance(scope, int) else None


def scope_of(session: Session) -> int | str | None:
    """The session's scope as recorded: a tenant id, ``all``, ``state``, ``identity`` or None."""
    return session.info.get(SCOPE)


def clear(session: Session) -> None:
    """Forget the scope (the session goes back to a pool of sessions without one)."""
    session.info.pop(SCOPE, None)


def _set(session: Session, scope: int | str) -> None:
    session.info[SCOPE] = scope
    applied = session.info.get(_APPLIED)
    if applied is not None and applied != scope:  # a transaction is open on PostgreSQL: set it now
        writes.send(session)  # what the old scope wrote goes out under it
        session.connection().execute(_SET, {"scope": str(scope)})
        session.info[_APPLIED] = scope


@event.listens_for(Session, "after_begin")
def _set_for_transaction(session: Session, _transaction, connection: Connection) -> None:
    scope = session.info.get(SCOPE)
    if connection.dialect.name != "postgresql":
        return
    if scope is not None:
        connection.execute(_SET, {"scope": str(scope)})
    session.info[_APPLIED] = scope if scope is not None else ""


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_APPLIED, None)
