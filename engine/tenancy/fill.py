"""New rows of tenant tables get their tenant at flush: from the unit's tenant, else from their parent.

An ORM flush looks at every new object whose table has a NOT NULL ``tenant_id`` left empty:

- in a tenant's scope (a request, a firing timer) it takes that tenant;
- otherwise (all-tenant scope: jobs, setup, the CLI) it takes the tenant of the row's parent, found
  through the foreign key named in ``PARENTS`` (a history entry from its instance, a timer from its
  instance, a token from its user, ...);
- a row added through its parent's collection (a consent's members) takes the parent's;
- if none gives one, the flush fails: a row of a tenant table is never written without its tenant
  (a test finds the insert site that forgot it).

Inserts that bypass the ORM (``insert()`` statements, COPY in the benchmarks) set ``tenant_id``
themselves. A nullable ``tenant_id`` (audit entries, process incidents: rows of the whole system may
have none) is left as the code wrote it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from .scope import current_tenant

# table -> foreign-key columns that lead to the row's tenant, tried in order
PARENTS: dict[str, tuple[str, ...]] = {
    "api_tokens": ("user_id",),
    "body_members": ("body_id",),
    "inbox_choices": ("user_id",),
    "mail_outbox": ("user_id",),
    "consents": ("case_id",),
    "process_instances": ("case_id", "started_by_id"),
    "consent_members": ("consent_id",),
    "history": ("instance_id", "case_id"),
    "member_changes": ("member_id", "case_id"),
    "timers": ("instance_id",),
    "task_drafts": ("task_id",),
    "topic_cases": ("topic_id",),
    "topic_events": ("topic_id",),
    "agenda_items": ("meeting_id",),
}


class MissingTenant(RuntimeError):
    """A new row of a tenant table has no tenant and none can be found: a programming error."""


def _needs_tenant(obj: Any) -> bool:
    table = getattr(obj, "__table__", None)
    if table is None or "tenant_id" not in table.c or table.c.tenant_id.nullable:
        return False
    return getattr(obj, "tenant_id", None) is None


def _parent_tenant(session: Session, obj: Any, cache: dict) -> int | None:
    table = obj.__table__
    for name in PARENTS.get(table.name, ()):
        value = getattr(obj, table.c[name].key, None)
        if value is None:
            continue
        (fk,) = table.c[name].foreign_keys
        parent = fk.column.table
        key = (parent.name, value)
        if key not in cache:
            cache[key] = session.execute(
                select(parent.c.tenant_id).where(fk.column == value)
            ).scalar_one_or_none()
        if cache[key] is not None:
            return cache[key]
    return None


def _from_collections(session: Session) -> dict[int, int]:
    """id(child) -> tenant, for new children held in the loaded collections of new rows with a tenant."""
    found: dict[int, int] = {}
    for obj in session.new:
        tenant = getattr(obj, "tenant_id", None)
        if tenant is None:
            continue
        for rel in inspect(obj).mapper.relationships:
            if rel.uselist and rel.key in obj.__dict__:
                for child in obj.__dict__[rel.key]:
                    found[id(child)] = tenant
    return found


@event.listens_for(Session, "before_flush")
def fill_tenant(session: Session, _context, _instances) -> None:
    """Fill the missing tenant of new rows (see the module's docstring); fail where none is found."""
    pending = [obj for obj in session.new if _needs_tenant(obj)]
    if not pending:
        return
    tenant = current_tenant(session)
    cache: dict = {}
    with session.no_autoflush:
        for obj in pending:
            found = tenant if tenant is not None else _parent_tenant(session, obj, cache)
            if found is not None:
                obj.tenant_id = found
        pending = [obj for obj in pending if obj.tenant_id is None]
        held = _from_collections(session) if pending else {}
        for obj in pending:
            found = held.get(id(obj))
            if found is None:
                raise MissingTenant(
                    f"new {obj.__table__.name} row without a tenant (no tenant scope, no parent with one)"
                )
            obj.tenant_id = found
