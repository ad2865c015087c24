"""PostgreSQL Row-Level Security on the tenant tables, for migrations (a no-op on SQLite).

``enable_tenant_rls(op, table)`` turns RLS on and forces it (the table's owner is bound too) and
creates the policies that compare each row's ``tenant_id`` with the transaction's scope, the GUC
``kim.tenant`` (engine/tenancy/scope.py):

- ``kim_tenant`` (all commands): the row's tenant is the scope's tenant, or the scope is ``all``;
  USING and WITH CHECK alike, so a row of another tenant is neither seen nor written;
- ``kim_shared`` (SELECT, with ``shared_base=True``): rows without a tenant (the shared base, e.g.
  process versions every tenant starts from) are readable in every scope that is set;
- ``kim_state`` (SELECT, on ``STATE_READABLE`` tables): the ``state`` scope reads every tenant's rows;
- ``kim_identity`` (all commands, on ``IDENTITY_TABLES``; SELECT on ``IDENTITY_READABLE``):
  authentication, before a tenant is known, finds accounts and tokens, records logins and names the
  account's municipality and team.

No scope set (a connection that did not say whom it acts for) sees and writes nothing. Roles with
BYPASSRLS and superusers are not bound by any policy: the application's role must be neither.
"""

from __future__ import annotations

from typing import Any

from .scope import ALL, IDENTITY, STATE, STATE_READABLE

IDENTITY_TABLES = ("users", "api_tokens")
IDENTITY_READABLE = ("municipalities", "teams")  # the account's places, shown with a new token

# The scope's tenant as an integer (NULL unless it is a tenant id) and the scope as text ('' unset).
# Plain SQL functions marked STABLE: the planner inlines them into the policies.
FUNCTIONS = (
    "CREATE OR REPLACE FUNCTION kim_scope() RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS "
    "$$ SELECT coalesce(current_setting('kim.tenant', true), '') $$",
    "CREATE OR REPLACE FUNCTION kim_tenant() RETURNS integer LANGUAGE sql STABLE PARALLEL SAFE AS "
    "$$ SELECT CASE WHEN current_setting('kim.tenant', true) ~ '^[0-9]{1,9}$' "
    "THEN current_setting('kim.tenant', true)::integer END $$",
)
DROP_FUNCTIONS = ("DROP FUNCTION IF EXISTS kim_tenant()", "DROP FUNCTION IF EXISTS kim_scope()")
POLICIES = ("kim_tenant", "kim_shared", "kim_state", "kim_identity")


def _run(op: Any, sql: str) -> None:
    op.execute(sql)


def _on_postgresql(op: Any) -> bool:
    return op.get_bind().dialect.name == "postgresql"


def install_functions(op: Any) -> None:
    """Create the two scope functions the policies use (idempotent)."""
    if _on_postgresql(op):
        for sql in FUNCTIONS:
            _run(op, sql)


def enable_tenant_rls(op: Any, table: str, shared_base: bool = False) -> None:
    """Enable and force RLS on ``table`` (which has ``tenant_id``) with the policies above."""
    if not _on_postgresql(op):
        return
    install_functions(op)
    _run(op, f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    _run(op, f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    for name in POLICIES:
        _run(op, f"DROP POLICY IF EXISTS {name} ON {table}")
    tenant = f"(kim_scope() = '{ALL}' OR tenant_id = kim_tenant())"
    _run(op, f"CREATE POLICY kim_tenant ON {table} USING {tenant} WITH CHECK {tenant}")
    if shared_base:
        _run(
            op,
            f"CREATE POLICY kim_shared ON {table} FOR SELECT USING (tenant_id IS NULL AND kim_scope() <> '')",
        )
    if table in STATE_READABLE:
        _run(op, f"CREATE POLICY kim_state ON {table} FOR SELECT USING (kim_scope() = '{STATE}')")
    if table in IDENTITY_TABLES:
        identity = f"(kim_scope() = '{IDENTITY}')"
        _run(op, f"CREATE POLICY kim_identity ON {table} USING {identity} WITH CHECK {identity}")
    if table in IDENTITY_READABLE:
        _run(op, f"CREATE POLICY kim_identity ON {table} FOR SELECT USING (kim_scope() = '{IDENTITY}')")


def disable_tenant_rls(op: Any, table: str) -> None:
    """Drop the policies and turn RLS off again (a downgrade)."""
    if not _on_postgresql(op):
        return
    for name in POLICIES:
        _run(op, f"DROP POLICY IF EXISTS {name} ON {table}")
    _run(op, f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    _run(op, f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


def drop_functions(op: Any) -> None:
    """Drop the scope functions (after every policy using them is gone)."""
    if _on_postgresql(op):
        for sql in DROP_FUNCTIONS:
            _run(op, sql)
