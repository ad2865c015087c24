"""What the retention run will anonymise in the coming days, and the cases on legal hold (DPO pages).

Read-only: the cases due by a future day are found with the retention run's own condition
(engine/retention/service.py ``_due_condition``) evaluated at that day, so the preview and the run
never disagree. Only case numbers and pseudonyms are shown; the reading is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import vocabulary
from ..access.actor import Actor
from ..audit.service import Event, record, require_dpo
from ..cases.models import CLOSED, Case
from ..clock import utcnow
from ..db import begin_write
from ..errors import InvalidInput, NotFound
from ..org.models import Tenant
from .service import REASON_RETENTION, REASON_WITHDRAWAL, _due_condition

LIMIT = 500
MAX_DAYS = 366


@dataclass(frozen=True)
class DueCase:
    """A case whose personal data the retention run removes on ``due_at`` (or at its next run)."""

    case_id: int
    case_number: str
    pseudonym: str
    due_at: datetime
    overdue: bool
    reason: str
    reason_label: str


@dataclass(frozen=True)
class Preview:
    within_days: int
    retention_days: int
    items: list[DueCase]


@dataclass(frozen=True)
class Hold:
    case_id: int
    case_number: str
    pseudonym: str
    reason: str | None
    status_label: str


def _when(case: Case, days: int, horizon: datetime) -> tuple[datetime, str]:
    """The earliest moment the run's condition holds for ``case``, and the reason it will record."""
    options = []
    if case.deletion_due_at is not None and case.deletion_due_at <= horizon:
        options.append((case.deletion_due_at, REASON_WITHDRAWAL))
    if case.status == CLOSED and case.closed_at is not None:
        at = case.closed_at + timedelta(days=days)
        if at <= horizon:
            options.append((at, REASON_RETENTION))
    return min(options)


def upcoming(session: Session, *, user: Actor, default_days: int, within_days: int = 30) -> Preview:
    """Cases of the user's tenant whose personal data is removed within ``within_days`` (DPO only)."""
    require_dpo(user)
    if not 0 <= within_days <= MAX_DAYS:
        raise InvalidInput(
            f"Der Zeitraum muss zwischen 0 und {MAX_DAYS} Tagen liegen.",
            errors={"within_days": ["Ungültiger Zeitraum."]},
        )
    begin_write(session)  # the reading is recorded
    tenant = session.get_one(Tenant, user.tenant_id)
    days = tenant.retention_days if tenant.retention_days is not None else default_days
    now = utcnow()
    horizon = now + timedelta(days=within_days)
    due = _due_condition(tenant, default_days, horizon)
    cases = session.scalars(select(Case).where(due).order_by(Case.id).limit(LIMIT)).all()
    items = []
    for case in cases:
        at, reason = _when(case, days, horizon)
        items.append(
            DueCase(
                case.id,
                case.case_number,
                case.pseudonym,
                at,
                at <= now,
                reason,
                vocabulary.label("deletion.reason", reason),
            )
        )
    items.sort(key=lambda i: (i.due_at, i.case_id))
    record(session, user, Event("retention.preview", "retention", detail={"within_days": within_days}))
    return Preview(within_days, days, items)


def holds(session: Session, *, user: Actor) -> list[Hold]:
    """The tenant's cases on legal hold, by case number (DPO only; the reading is recorded)."""
    require_dpo(user)
    begin_write(session)
    cases = session.scalars(
        select(Case)
        .where(Case.tenant_id == user.tenant_id, Case.legal_hold.is_(True))
        .order_by(Case.case_number)
        .limit(LIMIT)
    ).all()
    record(session, user, Event("retention.holds_read", "retention", detail={"count": len(cases)}))
    return [
        Hold(c.id, c.case_number, c.pseudonym, c.legal_hold_reason, vocabulary.label("case.status", c.status))
        for c in cases
    ]


def find_case(session: Session, *, user: Actor, key: str) -> int:
    """The id of the tenant's case with this case number or pseudonym (DPO only); a German 404 else."""
    require_dpo(user)
    needle = (key or "").strip()
    if not needle:
        raise InvalidInput(
            "Bitte Aktenzeichen oder Pseudonym angeben.", errors={"case": ["Aktenzeichen oder Pseudonym."]}
        )
    found = session.scalar(
        select(Case.id).where(
            Case.tenant_id == user.tenant_id, (Case.case_number == needle) | (Case.pseudonym == needle)
        )
    )
    if found is None:
        raise NotFound("Zu diesem Aktenzeichen oder Pseudonym gibt es keinen Fall.")
    return found
