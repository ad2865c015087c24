"""Reading the installation's tenants: which counties there are (``kim tenant list``, ``kim report``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import InvalidInput
from .models import Municipality, Region, Tenant


@dataclass(frozen=True)
class TenantRow:
    key: str
    name: str
    case_prefix: str
    municipalities: int
    regions: int


def _per_tenant(session: Session, model) -> dict[int, int]:
    rows = session.execute(select(model.tenant_id, func.count()).group_by(model.tenant_id))
    return {row[0]: row[1] for row in rows}


def tenants(session: Session) -> list[TenantRow]:
    """Every tenant with the number of its municipalities and regions, by key."""
    places, regions = _per_tenant(session, Municipality), _per_tenant(session, Region)
    return [
        TenantRow(t.key, t.name, t.case_prefix, places.get(t.id, 0), regions.get(t.id, 0))
        for t in session.scalars(select(Tenant).order_by(Tenant.key))
    ]


def only_tenant_key(session: Session) -> str:
    """The key of the installation's one tenant; with none or several, InvalidInput listing the keys."""
    keys = list(session.scalars(select(Tenant.key).order_by(Tenant.key)))
    if len(keys) == 1:
        return keys[0]
    if not keys:
        raise InvalidInput(
            "Es gibt noch keinen Kreis; bitte zuerst `kim setup` oder `kim tenant add` ausführen.",
            errors={"county": ["kein Kreis vorhanden"]},
        )
    raise InvalidInput(
        "Es gibt mehrere Kreise; bitte mit --county einen wählen: " + ", ".join(keys) + ".",
        errors={"county": ["erlaubt: " + ", ".join(keys)]},
    )
