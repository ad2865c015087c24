"""Process owners edit forms: list, read, check and save a new version of the tenant's own, and reset
to the shared base (engine/processes/scope.py)."""

from __future__ import annotations

import json
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..audit.service import Event, record
from ..db import begin_write
from ..errors import InvalidInput
from .form_contract import require_contract, violations
from .forms import check_form_schema
from .models import FormVersion
from .scope import reset_to_base, visible
from .service import current_form, deploy_form
from .versions import require_process_owner

KEY = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
MAX_SCHEMA_BYTES = 200_000


def list_forms(session: Session, *, user: Actor) -> list[FormVersion]:
    """The version of every form the tenant's tasks use (its own where it has one, else the base's)."""
    require_process_owner(user)
    current: dict[str, FormVersion] = {}
    for row in session.scalars(
        select(FormVersion)
        .where(FormVersion.is_current.is_(True), visible(FormVersion, user.tenant_id))
        .order_by(FormVersion.tenant_id.is_(None).desc())  # the base first: the tenant's own win
    ):
        current[row.form_key] = row
    return [current[key] for key in sorted(current)]


def get_form(session: Session, *, user: Actor, form_key: str) -> FormVersion:
    """The version of a form the tenant's tasks use."""
    require_process_owner(user)
    return current_form(session, form_key, tenant_id=user.tenant_id)


def check(schema, form_key: str | None = None) -> list[str]:
    """Problems with a form schema, in German (empty: it can be saved); with ``form_key`` also the
    fields the engine reads from that form."""
    problems = check_form_schema(schema)
    if not problems and len(json.dumps(schema)) > MAX_SCHEMA_BYTES:
        problems.append("Das Formular ist zu groß (höchstens 200 kB).")
    if form_key:
        problems += [p for messages in violations(form_key, schema).values() for p in messages]
    return problems


def save_form(session: Session, *, user: Actor, form_key: str, schema) -> tuple[FormVersion, bool]:
    """Save a form as its new deployed version (tasks use it from now on); unchanged is a no-op."""
    require_process_owner(user)
    if not KEY.match(form_key or ""):
        raise InvalidInput(
            "Der Formularschlüssel darf nur Kleinbuchstaben, Ziffern und _ enthalten "
            "und muss mit einem Buchstaben beginnen.",
            errors={"form_key": ["Ungültig."]},
        )
    problems = check(schema)
    if problems:
        raise InvalidInput(
            "Das Formular kann nicht gespeichert werden.", kind="form-invalid", errors={"schema": problems}
        )
    require_contract(form_key, schema)
    begin_write(session)
    version, created = deploy_form(
        session, form_key, json.dumps(schema).encode("utf-8"), user.username, tenant_id=user.tenant_id
    )
    if created:
        record(session, user, Event("form.deploy", "form_version", f"{form_key}@{version.version}"))
    return version, created


def reset_form(session: Session, *, user: Actor, form_key: str) -> tuple[FormVersion, bool]:
    """Back to the base: the tenant's own version of the form stops being used; open and future tasks
    use the base's current version. (base version, changed)."""
    require_process_owner(user)
    begin_write(session)
    current_form(session, form_key, tenant_id=user.tenant_id)  # 404 for a form the tenant cannot see
    base, changed = reset_to_base(session, FormVersion, form_key, user.tenant_id)
    if changed:
        record(session, user, Event("form.reset", "form_version", f"{form_key}@{base.version}"))
    return base, bool(changed)
