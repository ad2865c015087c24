"""Programme figures for a county named by its key: the read function of the ``kim report`` command
(one read function per screen; the API's and the dashboard's figures read through engine.reports.figures)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..org.models import Tenant
from .figures import figures


def county_figures(session: Session, *, county: str, school_year: str, min_count: int) -> dict:
    """The figures of one county's school year; no personal data, so nothing to record."""
    tenant_id = session.scalar(select(Tenant.id).where(Tenant.key == county))
    if tenant_id is None:
        raise NotFound("Diesen Kreis gibt es nicht.")
    return figures(session, tenant_id=tenant_id, school_year=school_year, min_count=min_count)
