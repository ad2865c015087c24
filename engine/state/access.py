"""Who may see the state's view: accounts of the state-level role in a tenant of kind "state"."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.models import STATE_ROLE
from ..errors import Forbidden
from ..org.models import Tenant

STATE_KIND, COUNTY_KIND = "state", "county"
REFUSED = "Die Landesübersicht sehen nur Konten der Landesebene."


def is_state_user(user: Actor) -> bool:
    """Whether ``user`` has the state-level role (its tenant is checked by ``require_state``)."""
    return user.role == STATE_ROLE


def require_state(session: Session, user: Actor) -> None:
    """The state-level role, in a tenant of kind "state" (a county account with that role is refused)."""
    if not is_state_user(user):
        raise Forbidden(REFUSED)
    kind = session.scalar(select(Tenant.kind).where(Tenant.id == user.tenant_id))
    if kind != STATE_KIND:
        raise Forbidden(REFUSED)
