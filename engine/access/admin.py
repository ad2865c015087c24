"""The administration's work on accounts: list, create, change role and scope, disable, unlock, new password.

Every function takes the acting admin and refuses other roles; writes take the write lock first,
validate everything before changing anything, and leave a record in the audit trail (staff user names
only, never a password). The caller commits once.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..agencies.service import find_agency
from ..audit.service import Event, record
from ..cases.names import name_problem, tidy
from ..clock import utcnow
from ..db import begin_write
from ..errors import Forbidden, InvalidInput, NotFound
from ..org.models import Municipality, Region, Team, Tenant
from .actor import Actor
from .models import ASSIGNABLE_ROLES, ApiToken, User
from .service import hash_password

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")
EMAIL = re.compile(r"^[^@\s<>,;\"]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
BAD_EMAIL = "Bitte eine gültige E-Mail-Adresse angeben (z. B. name@kreis-paderborn.de) oder leer lassen."
PASSWORD_MIN, PASSWORD_MAX = 10, 200
NO_SUCH_USER = "Dieses Benutzerkonto gibt es nicht."
INVALID = "Bitte die markierten Angaben prüfen."
BAD_USERNAME = (
    "3 bis 80 Zeichen: Kleinbuchstaben, Ziffern, Punkt, Binde- oder Unterstrich; "
    "am Anfang ein Buchstabe oder eine Ziffer."
)


@dataclass(frozen=True)
class AccountInput:
    """What the administration enters for an account (unit: "m:<key>", "t:<key>" or empty)."""

    role: str
    unit: str = ""
    agency: str = ""
    display_name: str = ""
    email: str = ""  # for reminders (engine/tasks/reminders.py); empty: no mail


def require_admin(user: Actor) -> None:
    """Accounts and the organisation view belong to the administration."""
    if user.role != "admin":
        raise Forbidden("Nur die Administration kann Benutzerkonten verwalten.")


def list_users(session: Session, *, user: Actor) -> list[User]:
    """The accounts of the admin's tenant, by user name."""
    require_admin(user)
    return list(session.scalars(select(User).where(User.tenant_id == user.tenant_id).order_by(User.username)))


def get_user(session: Session, *, user: Actor, user_id: int) -> User:
    """One account of the admin's tenant (404 otherwise)."""
    require_admin(user)
    target = session.scalars(select(User).where(User.id == user_id, User.tenant_id == user.tenant_id)).first()
    if target is None:
        raise NotFound(NO_SUCH_USER)
    return target


def units(session: Session, tenant_id: int) -> tuple[list[Municipality], list[Team]]:
    """The municipalities with case management and the teams a case manager can belong to."""
    places = session.scalars(
        select(Municipality)
        .where(Municipality.tenant_id == tenant_id, Municipality.has_case_management.is_(True))
        .order_by(Municipality.name)
    ).all()
    teams = session.scalars(select(Team).where(Team.tenant_id == tenant_id).order_by(Team.name)).all()
    return list(places), list(teams)


def _scope(
    session: Session, tenant_id: int, data: AccountInput, errors: dict
) -> tuple[int | None, int | None, str | None]:
    """(municipality id, team id, agency) for the role, adding field errors where they do not fit."""
    if data.role not in ASSIGNABLE_ROLES:  # state accounts: `kim state user`, in the state's tenant
        errors["role"] = ["Bitte eine Rolle auswählen."]
        return None, None, None
    place = team = None
    if data.role == "case_manager":
        places, teams = units(session, tenant_id)
        kind, _, key = data.unit.partition(":")
        if kind == "m":
            place = next((p.id for p in places if p.key == key), None)
        elif kind == "t":
            team = next((t.id for t in teams if t.key == key), None)
        if place is None and team is None:
            errors["unit"] = [
                "Case-Manager:innen brauchen eine Gemeinde (mit Case-Management) oder ein Team."
            ]
    elif data.unit:
        errors["unit"] = [
            "Nur Case-Manager:innen gehören zu einer Gemeinde oder einem Team; bitte leer lassen."
        ]
    agency = None
    if data.role == "authority":
        if find_agency(session, tenant_id, data.agency) is None:
            errors["agency"] = ["Behördenkonten brauchen eine Behörde."]
        agency = data.agency or None
    elif data.agency:
        errors["agency"] = ["Eine Behörde gibt es nur für die Rolle Behörde; bitte leer lassen."]
    return place, team, agency


def _password_errors(password: str) -> list[str]:
    if len(password) < PASSWORD_MIN:
        return [f"Das Passwort muss mindestens {PASSWORD_MIN} Zeichen lang sein."]
    if len(password) > PASSWORD_MAX:
        return [f"Das Passwort darf höchstens {PASSWORD_MAX} Zeichen lang sein."]
    if password.strip() != password:
        return ["Das Passwort darf nicht mit Leerzeichen beginnen oder enden."]
    return []


def _name_errors(name: str) -> list[str]:
    if not name.strip():
        return ["Bitte den Namen angeben."]
    problem = name_problem(name)  # the rule of every name people read (engine/cases/names.py)
    return [problem] if problem else []


def _email(data: AccountInput, errors: dict) -> str | None:
    """The account's e-mail address (None: none), adding a field error if it is not one."""
    email = data.email.strip()
    if not email:
        return None
    if len(email) > 254 or not EMAIL.match(email):
        errors["email"] = [BAD_EMAIL]
    return email


def create_user(session: Session, *, user: Actor, username: str, password: str, data: AccountInput) -> User:
    """A new active account of the admin's tenant with an argon2-hashed initial password."""
    require_admin(user)
    begin_write(session)
    errors: dict[str, list[str]] = {}
    username = username.strip()
    if not USERNAME.match(username):
        errors["username"] = [BAD_USERNAME]
    elif (
        session.scalar(select(User.id).where(User.tenant_id == user.tenant_id, User.username == username))
        is not None
    ):
        errors["username"] = ["Diesen Benutzernamen gibt es schon."]
    if msgs := _name_errors(data.display_name):
        errors["display_name"] = msgs
    if msgs := _password_errors(password):
        errors["password"] = msgs
    place, team, agency = _scope(session, user.tenant_id, data, errors)
    email = _email(data, errors)
    if errors:
        raise InvalidInput(INVALID, errors=errors)
    target = User(
        username=username,
        display_name=tidy(data.display_name),
        password_hash=hash_password(password),
        role=data.role,
        tenant_id=user.tenant_id,
        municipality_id=place,
        team_id=team,
        agency=agency,
        email=email,
        active=True,
        created_at=utcnow(),
        failed_logins=0,
    )
    session.add(target)
    session.flush()
    record(
        session,
        user,
        Event("user.create", "user", target.id, detail={"username": username, "role": data.role}),
    )
    return target


def update_user(session: Session, *, user: Actor, user_id: int, data: AccountInput) -> User:
    """Change an account's name, role and scope; the admin cannot take her own admin role away."""
    require_admin(user)
    begin_write(session)
    target = get_user(session, user=user, user_id=user_id)
    errors: dict[str, list[str]] = {}
    if msgs := _name_errors(data.display_name):
        errors["display_name"] = msgs
    place, team, agency = _scope(session, user.tenant_id, data, errors)
    email = _email(data, errors)
    if target.id == user.id and data.role != "admin":
        errors["role"] = ["Die eigene Administrationsrolle kann nur eine andere Administratorin ändern."]
    if errors:
        raise InvalidInput(INVALID, errors=errors)
    before = {
        "role": target.role,
        "municipality_id": target.municipality_id,
        "team_id": target.team_id,
        "agency": target.agency,
    }
    target.display_name, target.role = tidy(data.display_name), data.role
    target.municipality_id, target.team_id, target.agency = place, team, agency
    email_changed, target.email = target.email != email, email
    after = {"role": data.role, "municipality_id": place, "team_id": team, "agency": agency}
    revoked = 0
    if before != after:  # sessions carry the old scope: start over with the new one
        revoked = _revoke(session, target.id)
    record(
        session,
        user,
        Event(
            "user.update",
            "user",
            target.id,
            detail={
                "username": target.username,
                "before": before,
                "after": after,
                "revoked": revoked,
                "email_changed": email_changed,
            },
        ),
    )
    return target


def set_active(session: Session, *, user: Actor, user_id: int, active: bool) -> int:
    """Disable (every token and session revoked at once) or enable an account; the count revoked."""
    require_admin(user)
    begin_write(session)
    target = get_user(session, user=user, user_id=user_id)
    if target.id == user.id and not active:
        raise InvalidInput(
            "Das eigene Konto kann nicht deaktiviert werden.",
            errors={"active": ["Das eigene Konto kann nicht deaktiviert werden."]},
        )
    target.active = active
    revoked = 0 if active else _revoke(session, target.id)
    record(
        session,
        user,
        Event(
            "user.enable" if active else "user.disable",
            "user",
            target.id,
            detail={"username": target.username, "revoked": revoked},
        ),
    )
    return revoked


def unlock(session: Session, *, user: Actor, user_id: int) -> User:
    """Lift a lockout after too many failed logins."""
    require_admin(user)
    begin_write(session)
    target = get_user(session, user=user, user_id=user_id)
    target.locked_until, target.failed_logins = None, 0
    record(session, user, Event("user.unlock", "user", target.id, detail={"username": target.username}))
    return target


def reset_password(session: Session, *, user: Actor, user_id: int, password: str) -> int:
    """Set a new password (argon2); the lockout is lifted and existing sessions end. The count revoked."""
    require_admin(user)
    begin_write(session)
    target = get_user(session, user=user, user_id=user_id)
    if msgs := _password_errors(password):
        raise InvalidInput(INVALID, errors={"password": msgs})
    target.password_hash = hash_password(password)
    target.locked_until, target.failed_logins = None, 0
    revoked = _revoke(session, target.id)
    record(
        session,
        user,
        Event("user.password", "user", target.id, detail={"username": target.username, "revoked": revoked}),
    )
    return revoked


def _revoke(session: Session, user_id: int) -> int:
    return session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # DML through Session.execute gives a CursorResult


@dataclass
class Organisation:
    """The tenant, its regions with their municipalities, the teams, and active accounts per unit."""

    tenant: Tenant
    regions: list[tuple[Region | None, list[Municipality]]]
    teams: list[Team]
    by_municipality: Counter
    by_team: Counter
    county_wide: int


def organisation(session: Session, *, user: Actor) -> Organisation:
    """A read-only view of the admin's tenant with user counts per municipality and team."""
    require_admin(user)
    tid = user.tenant_id
    tenant = session.get_one(Tenant, tid)
    regions = session.scalars(select(Region).where(Region.tenant_id == tid).order_by(Region.name)).all()
    places = session.scalars(
        select(Municipality).where(Municipality.tenant_id == tid).order_by(Municipality.name)
    ).all()
    grouped: list[tuple[Region | None, list[Municipality]]] = [
        (r, [m for m in places if m.region_id == r.id]) for r in regions
    ]
    loose = [m for m in places if m.region_id is None]
    if loose:
        grouped.append((None, loose))
    teams = session.scalars(select(Team).where(Team.tenant_id == tid).order_by(Team.name)).all()
    rows = session.execute(
        select(User.municipality_id, User.team_id).where(User.tenant_id == tid, User.active.is_(True))
    ).all()
    return Organisation(
        tenant,
        grouped,
        list(teams),
        Counter(m for m, _t in rows if m is not None),
        Counter(t for _m, t in rows if t is not None),
        sum(1 for m, t in rows if m is None and t is None),
    )
