"""Which tenant a login belongs to: user names are unique per tenant, so a login names its tenant.

With one tenant in the installation nothing changes for users: the login needs no tenant. With more,
the login form shows a "Kreis / kreisfreie Stadt" select, the token request takes ``tenant`` (the
tenant's key), and single sign-on takes it from a claim or the configuration (api/web/sso.py).
An unknown tenant key is refused like a wrong password, so that nothing tells which tenants or
user names exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InvalidInput
from ..org.models import Tenant

TENANT_MISSING = "Bitte den Kreis bzw. die kreisfreie Stadt wählen."


@dataclass(frozen=True)
class LoginTenant:
    """A tenant as the login form offers it."""

    key: str
    name: str


def login_tenants(session: Session) -> list[LoginTenant]:
    """The tenants to choose from at login, by name; empty with only one (no choice to make)."""
    rows = session.execute(select(Tenant.key, Tenant.name).order_by(Tenant.name, Tenant.key)).all()
    return [LoginTenant(key, name) for key, name in rows] if len(rows) > 1 else []


def login_tenant(session: Session, key: str | None) -> int | None:
    """The id of the tenant a login names; None for a key no tenant has (refused as a wrong password).

    Without a key: the only tenant, or a German 422 naming ``tenant`` when there are several.
    """
    key = (key or "").strip()
    if key:
        return session.scalar(select(Tenant.id).where(Tenant.key == key))
    ids = session.scalars(select(Tenant.id).order_by(Tenant.id).limit(2)).all()
    if len(ids) > 1:
        raise InvalidInput(TENANT_MISSING, errors={"tenant": [TENANT_MISSING]})
    return ids[0] if ids else None
