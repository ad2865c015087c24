"""What the case page's action forms need (case managers): the releases in force with their ids, the
follow-ups with theirs, whether consent to data processing is in force, and the choices for raising a
topic from the case. Read only; the case page's own reading records the case and its consents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..consents.models import DATA_PROCESSING, RELEASE
from ..consents.service import active
from ..followups.models import FollowUp
from ..instances.models import RUNNING, ProcessInstance
from ..org.models import Municipality
from ..vocabulary import label, labels
from .models import OPEN
from .service import get_case


@dataclass(frozen=True)
class ReleaseAction:
    id: int
    agency: str
    agency_label: str
    given_on: date


@dataclass(frozen=True)
class FollowUpAction:
    id: int
    status_label: str
    started_at: datetime
    running: bool


@dataclass(frozen=True)
class CaseActions:
    """``allowed``: the user is a case manager and the case is open; the rest is empty otherwise."""

    allowed: bool
    consent_in_force: bool = False
    releases: tuple[ReleaseAction, ...] = ()
    followups: tuple[FollowUpAction, ...] = ()
    can_start_followup: bool = False
    categories: tuple[tuple[str, str], ...] = ()
    municipalities: tuple[tuple[str, str], ...] = ()
    municipality: str | None = None


def case_actions(session: Session, *, user: Actor, case_id: int) -> CaseActions:
    """The action forms' data for one case in the user's scope (404 otherwise)."""
    case = get_case(session, user=user, case_id=case_id)
    if user.role != "case_manager" or case.status != OPEN:
        return CaseActions(allowed=False)
    consents = active(session, case.id)
    rows = session.execute(
        select(FollowUp, ProcessInstance.status)
        .join(ProcessInstance, ProcessInstance.id == FollowUp.instance_id)
        .where(FollowUp.case_id == case.id)
        .order_by(FollowUp.id)
    ).all()
    followups = tuple(
        FollowUpAction(f.id, label("followup.status", f.status), f.started_at, status == RUNNING)
        for f, status in rows
    )
    in_force = any(c.kind == DATA_PROCESSING for c in consents)
    places = session.execute(
        select(Municipality.key, Municipality.name)
        .where(Municipality.tenant_id == user.tenant_id)
        .order_by(Municipality.name)
    ).all()
    own = session.scalar(select(Municipality.key).where(Municipality.id == case.municipality_id))
    return CaseActions(
        allowed=True,
        consent_in_force=in_force,
        releases=tuple(
            ReleaseAction(c.id, c.agency or "", label("consent.agency", c.agency), c.given_on)
            for c in consents
            if c.kind == RELEASE
        ),
        followups=followups,
        can_start_followup=in_force and not any(f.running for f in followups),
        categories=tuple(labels("topic.category").items()),
        municipalities=tuple((k, n) for k, n in places),
        municipality=own,
    )
