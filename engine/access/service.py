"""Passwords, API tokens and who may see which case."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import and_, bindparam, false, select, update
from sqlalchemy.orm import Session

from ..clock import BERLIN, utcnow
from ..db import UTCDateTime, begin_write
from ..errors import Forbidden, LoginRefused, NotFound, Unauthorized
from ..tenancy import scope
from .actor import Actor
from .models import ApiToken, User
from .tenants import login_tenant

_HASHER = PasswordHasher()
# Verifying against this keeps unknown user names as slow as wrong passwords.
_DUMMY_HASH = _HASHER.hash("not-a-password")

CASE_ROLES_FULL = {"case_manager"}
# Coordinators, Lenkungsgruppe members and the DPO see cases pseudonymised only.
CASE_ROLES_PSEUDONYMISED = {"coordinator", "steering", "dpo"}
_REFUSED = "Benutzername oder Passwort ist falsch."


@dataclass(frozen=True)
class LoginPolicy:
    """How many failures in a row lock an account, and for how long."""

    max_failures: int = 5
    lockout_minutes: int = 15


def hash_password(password: str) -> str:
    """An argon2 hash of ``password``."""
    return _HASHER.hash(password)


def check_password(
    session: Session,
    username: str,
    password: str,
    policy: LoginPolicy = LoginPolicy(),
    tenant: str | None = None,
) -> User:
    """The active user of the tenant (its key; engine/access/tenants.py) with these credentials;
    failures count towards a lockout of that tenant's account.

    A refusal raises LoginRefused, whose changes (the failure count) the caller commits.
    The message is the same for unknown tenants, unknown names, wrong passwords and locked
    accounts of unknown state, so that it reveals nothing; a locked account says so and until when.
    """
    begin_write(session)  # the outcome is written either way
    tenant_id = login_tenant(session, tenant)
    user = (
        session.scalars(select(User).where(User.tenant_id == tenant_id, User.username == username)).first()
        if tenant_id is not None
        else None
    )
    now = utcnow()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        until = user.locked_until.astimezone(BERLIN).strftime("%H:%M")
        raise LoginRefused(
            f"Das Konto ist nach zu vielen Fehlversuchen bis {until} Uhr gesperrt.",
            kind="account-locked",
            locked_until=user.locked_until.isoformat(),
        )
    try:
        _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None and user.active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        if user is not None:
            # Only failures within one lockout window add up: the per-address rate limits keep
            # each address below max_failures per window, so no single client can lock the account.
            window = timedelta(minutes=policy.lockout_minutes)
            if user.failures_since is None or now - user.failures_since > window:
                user.failed_logins, user.failures_since = 0, now
            user.failed_logins = (user.failed_logins or 0) + 1
            if user.failed_logins >= policy.max_failures:
                user.locked_until = now + window
                user.failed_logins, user.failures_since = 0, None
        raise LoginRefused(_REFUSED)
    assert user is not None  # ok above is False for a missing user
    user.failed_logins, user.locked_until, user.failures_since = 0, None, None
    return user


def new_token(session: Session, user_id: int, ttl_hours: float, kind: str = "api") -> str:
    """Store a new token for the user (only its hash) and return it; shown once."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        ApiToken(
            token_hash=_digest(token),
            user_id=user_id,
            kind=kind,
            created_at=now,
            expires_at=now + timedelta(hours=ttl_hours),
        )
    )
    return token


def issue_token(
    session: Session,
    username: str,
    password: str,
    ttl_hours: int,
    policy: LoginPolicy = LoginPolicy(),
    tenant: str | None = None,
) -> tuple[str, User]:
    """Check credentials (within ``tenant``, see check_password) and return a new bearer token
    (shown once) and the user; the token acts only within the user's tenant."""
    user = check_password(session, username, password, policy, tenant)
    return new_token(session, user.id, ttl_hours), user


def revoke_token(session: Session, token: str) -> bool:
    """Revoke a token (logout); True if it was valid until now."""
    begin_write(session)
    row = session.get(ApiToken, _digest(token))
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    return True


def revoke_user_tokens(session: Session, *, user: Actor, username: str) -> int:
    """An admin revokes every token and session of an account (e.g. a lost laptop)."""
    if user.role != "admin":
        raise Forbidden("Nur die Administration kann Anmeldungen anderer widerrufen.")
    begin_write(session)
    target = session.scalars(
        select(User).where(User.username == username, User.tenant_id == user.tenant_id)
    ).first()
    if target is None:
        raise NotFound("Dieses Benutzerkonto gibt es nicht.")
    return session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == target.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    ).rowcount  # type: ignore[attr-defined]  # DML through Session.execute gives a CursorResult


def sso_user(session: Session, username: str, tenant: str | None = None) -> User:
    """The active account of the tenant (its key; None: the only tenant) a single-sign-on identity
    maps to (no automatic accounts)."""
    tenant_id = login_tenant(session, tenant)
    user = session.scalars(
        select(User).where(User.tenant_id == tenant_id, User.username == username, User.active.is_(True))
    ).first()
    if user is None:
        raise Unauthorized(
            "Für diese Anmeldung gibt es kein aktives Konto. Bitte an die Administration wenden.",
            kind="account-unknown",
        )
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(session: Session, token: str, kind: str = "api") -> Actor:
    """The active user a valid (unexpired, unrevoked) token of this kind belongs to.

    A browser session's token is no bearer token and the other way round.
    """
    switch = scope.switches_with_row(session)  # PostgreSQL: the user's tenant from the row on
    # A request's first statement: with nothing of the session to write before it, it is read on the
    # unit's connection as it stands, without the ORM's layers (half of this statement's time).
    run = session.execute if session.new else session.connection().execute
    row = run(_identity_query(switch), {"digest": _digest(token), "kind": kind, "now": utcnow()}).first()
    if row is None:
        raise Unauthorized("Die Anmeldung ist ungültig oder abgelaufen. Bitte neu anmelden.")
    if switch:
        scope.switched(session, row.tenant_id)
    return Actor(*row[: len(_ACTOR_COLUMNS)])


_ACTOR_COLUMNS = (
    User.id,
    User.username,
    User.role,
    User.tenant_id,
    User.municipality_id,
    User.team_id,
    User.agency,
    User.display_name,
)


@cache
def _identity_query(switching: bool):
    """The identity lookup, built once (SQLAlchemy memoizes a statement's cache key on the object,
    so every request after the first skips building it): with the tenant switch
    (``scope.switches_with_row``) or without."""
    switch = [scope.switch_column(User.tenant_id)] if switching else []
    return (
        select(*_ACTOR_COLUMNS, *switch)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == bindparam("digest"),
            ApiToken.kind == bindparam("kind"),
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > bindparam("now", type_=UTCDateTime),
            User.active.is_(True),
        )
        .limit(1)
    )


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
