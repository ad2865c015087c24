"""The tenant's agencies as pages and forms offer them (name order)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .service import AgencyInfo, agencies_of


def agency_choices(session: Session, tenant_id: int) -> list[AgencyInfo]:
    """The tenant's agencies by name (code, name, kind, reminder days)."""
    return agencies_of(session, tenant_id)
