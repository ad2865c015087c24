"""Process owners edit forms: list, read, check and save a new version."""

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
from .service import current_form, deploy_form
from .versions import require_process_owner

KEY = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
MAX_SCHEMA_BYTES = 200_000


def list_forms(session: Session, *, user: Actor) -> list[FormVersion]:
    """The deployed version of every form."""
    require_process_owner(user)
    return list(
        session.scalars(
            select(FormVersion).where(FormVersion.is_current.is_(True)).order_by(FormVersion.form_key)
        )
    )


def get_form(session: Session, *, user: Actor, form_key: str) -> FormVersion:
    """A form's deployed version."""
    require_process_owner(user)
    return current_form(session, form_key)


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
    version, created = deploy_form(session, form_key, json.dumps(schema).encode("utf-8"), user.username)
    if created:
        record(session, user, Event("form.deploy", "form_version", f"{form_key}@{version.version}"))
    return version, created
