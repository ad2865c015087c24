"""Which check tasks an authority's staff work on: those of the checks of their own agency.

The task services (engine/tasks/service.py) ask here for an ``authority`` user: the instances of the
checks their agency works, in their tenant. Every other instance is out of reach (404 like a missing
id), whatever its case.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..consents.models import Referral
from ..errors import Forbidden, NotFound
from ..processes.models import FormVersion
from .models import PROCESS_IDS, Check

AUTHORITY = "authority"
NO_REFERRAL = "Diese Verweisung gibt es nicht oder Sie haben keinen Zugriff darauf."


def referral_of_agency(session: Session, user: Actor, referral_id: int) -> Referral:
    """A referral addressed to the user's agency in the user's tenant; 404 for everything else."""
    if user.role != AUTHORITY:
        raise Forbidden("Nur Mitarbeitende einer Behörde können eine Prüfung beginnen.")
    row = session.get(Referral, referral_id) if isinstance(referral_id, int) else None
    if row is None or row.tenant_id != user.tenant_id or not user.agency or row.agency != user.agency:
        raise NotFound(NO_REFERRAL)
    return row


def agency_instances(user: Actor):
    """SQL subquery: the instance ids of the checks of the user's agency (none without an agency)."""
    return select(Check.instance_id).where(
        Check.tenant_id == user.tenant_id, Check.agency == (user.agency or ""), Check.agency != ""
    )


def works_on(session: Session, user: Actor, instance_id: int) -> bool:
    """Whether the instance is a check of the user's agency."""
    found = session.scalar(agency_instances(user).where(Check.instance_id == instance_id))
    return found is not None


def pinned_form_id(
    session: Session, instance_id: int, form_key: str | None, process_id: str | None = None
) -> int | None:
    """The checklist form version a check started with, if the instance is a check and the form is its
    checklist (a new version of the criteria applies to checks started later); None otherwise. With the
    instance's ``process_id`` an instance of another process needs no query."""
    if not form_key or (process_id is not None and process_id not in PROCESS_IDS):
        return None
    return session.scalar(
        select(FormVersion.id)
        .join(Check, Check.form_version_id == FormVersion.id)
        .where(Check.instance_id == instance_id, FormVersion.form_key == form_key)
    )
