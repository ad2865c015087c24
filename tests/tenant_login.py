"""Which county a test account logs in to: with more than one county in the test database, the token
request and the login form need the county; a user name that only one county has names it."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.access.models import User
from engine.org.models import Tenant


def tenant_of(app, username: str) -> str | None:
    """The key of the one county that has ``username``; None with a single county or none or several."""
    with app.extensions["kim"]["sessions"]() as s:
        if (s.scalar(select(func.count()).select_from(Tenant)) or 0) < 2:
            return None
        keys = s.scalars(
            select(Tenant.key).join(User, User.tenant_id == Tenant.id).where(User.username == username)
        ).all()
    return keys[0] if len(keys) == 1 else None
