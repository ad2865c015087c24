"""The figures of every county tenant for one school year, side by side.

One ``GROUP BY tenant_id, kind, code`` over the school year's programme facts (an index-only scan of
``ix_programme_events_state`` on PostgreSQL), counted into each tenant's figure set with
engine/reports/figures.py's own definitions (``add_count``) and suppressed as there
(``suppress_rows``): small counts of people in every tenant's row, and across the tenants' rows the
next smallest value where exactly one tenant's value of a figure is hidden, so that the state-wide
total cannot give it away. Tenants of kind "state" are never counted.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..org.models import Tenant
from ..reports.events import school_year_bounds
from ..reports.figures import add_count, code_labels, empty_set, suppress_rows
from ..reports.models import ProgrammeEvent
from ..tenancy.scope import reading_as_state
from .access import STATE_KIND, require_state


def county_tenants(session: Session) -> list[tuple[int, str, str]]:
    """(id, key, name) of every tenant but the state's, by name."""
    rows = session.execute(
        select(Tenant.id, Tenant.key, Tenant.name).where(Tenant.kind != STATE_KIND).order_by(Tenant.name)
    )
    return [(tid, key, name) for tid, key, name in rows.tuples()]


def raw_counts(session: Session, school_year: str) -> list[tuple[int, str, str | None, int]]:
    """(tenant id, kind, code, count) of the school year's programme facts, all tenants (read in the
    state's scope: on PostgreSQL Row-Level Security lets it read programme facts and nothing else)."""
    with reading_as_state(session):
        rows = session.execute(
            select(ProgrammeEvent.tenant_id, ProgrammeEvent.kind, ProgrammeEvent.code, func.count())
            .where(ProgrammeEvent.school_year == school_year)
            .group_by(ProgrammeEvent.tenant_id, ProgrammeEvent.kind, ProgrammeEvent.code)
        )
        return [(tid, kind, code, n) for tid, kind, code, n in rows.tuples()]


def state_figures(session: Session, *, user: Actor, school_year: str, min_count: int = 3) -> dict:
    """Every county's figures of the school year (one row each, by name) and the state-wide total."""
    require_state(session, user)
    start, end = school_year_bounds(school_year)
    tenants = county_tenants(session)
    sets = {tid: empty_set() for tid, _k, _n in tenants}
    total = empty_set()
    for tid, kind, code, n in raw_counts(session, school_year):
        if tid in sets:  # the state's own tenant holds no facts; it is never counted
            add_count(sets[tid], kind, code, n)
            add_count(total, kind, code, n)
    rows = [{"tenant_key": key, "tenant_name": name, **sets[tid]} for tid, key, name in tenants]
    suppress_rows(rows, min_count)
    suppress_rows([total], min_count)
    return {
        "school_year": school_year,
        "period_start": start,
        "period_end": end,
        "min_count": min_count,
        "tenants": rows,
        "total": total,
        "labels": code_labels(total),  # the total holds every code any county has (hidden ones too)
    }
