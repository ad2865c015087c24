"""Setting up the state level: its tenant (kind "state") and its accounts (`kim state ...`).

The state's tenant holds no cases, municipalities or teams; only accounts of the state-level role
belong to it. Both functions are idempotent and validate everything before they write; the caller's
unit of work commits.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.admin import BAD_USERNAME, INVALID, USERNAME, _name_errors, _password_errors
from ..access.models import STATE_ROLE, User
from ..access.service import hash_password
from ..audit.service import Event, record
from ..cases.names import tidy
from ..clock import utcnow
from ..db import begin_write
from ..errors import InvalidInput
from ..org.models import Tenant
from .access import STATE_KIND


def ensure_state_tenant(session: Session, *, key: str, name: str) -> tuple[Tenant, bool]:
    """The state's tenant ``key`` (created, or its name updated); (tenant, created)."""
    begin_write(session)
    errors: dict[str, list[str]] = {}
    key, name = key.strip(), name.strip()
    existing = session.scalars(select(Tenant).where(Tenant.key == key)).first()
    if not key or len(key) > 40 or not key.replace("-", "").isalnum() or key != key.lower():
        errors["key"] = ["2 bis 40 Zeichen: Kleinbuchstaben, Ziffern und Bindestriche."]
    elif existing is not None and existing.kind != STATE_KIND:
        errors["key"] = ["Diese Kennung gehört einem Kreis; bitte eine andere wählen."]
    if not name or len(name) > 200:
        errors["name"] = ["Bitte einen Namen mit höchstens 200 Zeichen angeben."]
    if errors:
        raise InvalidInput(INVALID, errors=errors)
    if existing is not None:
        existing.name = name
        return existing, False
    tenant = Tenant(key=key, name=name, case_prefix="LAND", kind=STATE_KIND)
    session.add(tenant)
    session.flush()
    return tenant, True


def add_state_user(
    session: Session, *, tenant_key: str, username: str, display_name: str, password: str
) -> tuple[User, bool]:
    """An account of the state-level role in the state's tenant (created, or its name and password
    set anew); (user, created). Recorded in the audit trail."""
    begin_write(session)
    errors: dict[str, list[str]] = {}
    tenant = session.scalars(
        select(Tenant).where(Tenant.key == tenant_key.strip(), Tenant.kind == STATE_KIND)
    ).first()
    if tenant is None:
        errors["tenant"] = ["Diese Landesebene gibt es nicht (zuerst „kim state add“)."]
    username = username.strip()
    existing = (
        session.scalars(select(User).where(User.tenant_id == tenant.id, User.username == username)).first()
        if tenant is not None
        else None
    )
    if not USERNAME.match(username):
        errors["username"] = [BAD_USERNAME]
    if msgs := _name_errors(display_name):
        errors["display_name"] = msgs
    if msgs := _password_errors(password):
        errors["password"] = msgs
    if errors or tenant is None:
        raise InvalidInput(INVALID, errors=errors)
    if existing is not None:
        existing.display_name, existing.role = tidy(display_name), STATE_ROLE
        existing.password_hash, existing.active = hash_password(password), True
        target, created = existing, False
    else:
        target = User(
            username=username,
            display_name=tidy(display_name),
            password_hash=hash_password(password),
            role=STATE_ROLE,
            tenant_id=tenant.id,
            active=True,
            created_at=utcnow(),
            failed_logins=0,
        )
        session.add(target)
        session.flush()
        created = True
    action = "user.create" if created else "user.update"
    detail = {"username": username, "role": STATE_ROLE}
    record(session, None, Event(action, "user", target.id, detail=detail), tenant_id=tenant.id)
    return target, created
