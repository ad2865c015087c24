"""Passwords, API tokens and who may see which case."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import and_, false, select
from sqlalchemy.orm import Session

from ..clock import utcnow
from ..db import begin_write
from ..errors import Forbidden, Unauthorized
from .actor import Actor
from .models import ApiToken, User

_HASHER = PasswordHasher()
# Verifying against this keeps unknown user names as slow as wrong passwords.
_DUMMY_HASH = _HASHER.hash("not-a-password")

CASE_ROLES_FULL = {"case_manager"}
CASE_ROLES_PSEUDONYMISED = {"coordinator", "admin", "dpo"}


def hash_password(password: str) -> str:
    """An argon2 hash of ``password``."""
    return _HASHER.hash(password)


def issue_token(session: Session, username: str, password: str, ttl_hours: int) -> tuple[str, User]:
    """Check credentials and return a new bearer token (shown once) and the user."""
    user = session.scalars(select(User).where(User.username == username)).first()
    try:
        _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None and user.active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        raise Unauthorized("Benutzername oder Passwort ist falsch.")
    # The check above only read; the token insert is a write and must queue for the lock.
    begin_write(session)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(ApiToken(token_hash=hashlib.sha256(token.encode()).hexdigest(), user_id=user.id,
                         created_at=now, expires_at=now + timedelta(hours=ttl_hours)))
    return token, user


def authenticate(session: Session, token: str) -> Actor:
    """The active user a valid (unexpired, unrevoked) bearer token belongs to."""
    row = session.execute(
        select(User.id, User.username, User.role, User.tenant_id, User.municipality_id, User.team_id)
        .join(ApiToken, ApiToken.user_id == User.id).where(
            ApiToken.token_hash == hashlib.sha256(token.encode()).hexdigest(),
            ApiToken.revoked_at.is_(None), ApiToken.expires_at > utcnow(), User.active.is_(True))
    ).first()
    if row is None:
        raise Unauthorized("Die Anmeldung ist ungültig oder abgelaufen. Bitte neu anmelden.")
    return Actor(*row)


def require_case_manager(user: Actor) -> None:
    """Only case managers work on cases."""
    if user.role != "case_manager":
        raise Forbidden("Nur Case-Manager:innen können Fälle bearbeiten.")


def can_read_cases(user: Actor) -> None:
    """Roles without any access to case records are refused."""
    if user.role not in CASE_ROLES_FULL | CASE_ROLES_PSEUDONYMISED:
        raise Forbidden("Ihre Rolle hat keinen Zugriff auf Fälle.")


def sees_personal_data(user: Actor) -> bool:
    """Only the responsible case managers see client names and details."""
    return user.role in CASE_ROLES_FULL


def scope_filter(user: Actor, municipality_col, team_col, tenant_col):
    """SQL condition for the rows (cases or tasks) ``user`` may see.

    A case manager of a team sees her team's cases; one of a municipality sees that
    municipality's cases that no team holds. County roles see their tenant.
    """
    if user.role == "case_manager":
        if user.team_id is not None:
            return team_col == user.team_id
        return and_(municipality_col == user.municipality_id, team_col.is_(None))
    if user.role in CASE_ROLES_PSEUDONYMISED:
        return tenant_col == user.tenant_id
    return false()


def in_scope(user: Actor, municipality_id, team_id, tenant_id) -> bool:
    """Python twin of ``scope_filter`` for a single loaded row."""
    if user.role == "case_manager":
        if user.team_id is not None:
            return team_id == user.team_id
        return municipality_id == user.municipality_id and team_id is None
    if user.role in CASE_ROLES_PSEUDONYMISED:
        return tenant_id == user.tenant_id
    return False
