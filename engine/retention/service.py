"""Retention: personal data of closed cases is removed on time; a legal hold stops it.

What goes: the client's name and details on the case, the form data in the history, the
process state, saved form drafts. What stays: the typed columns the figures count (municipality, route,
dates, closure reason), consents and referrals as dates and agencies, the audit trail
(pseudonyms only) and a deletion record.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, null, or_, select, update
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..audit.service import case_event, record, require_dpo
from ..cases.models import CLOSED, Case
from ..cases.service import get_case
from ..clock import utcnow
from ..db import begin_write
from ..errors import Conflict, InvalidInput
from ..instances.models import HistoryEntry, ProcessInstance
from ..instances.service import stop_case_instances
from ..org.models import Tenant
from ..tasks.models import TaskDraft, TaskRecord
from .models import DeletionRecord

log = logging.getLogger("kim.retention")
REMOVED_NAME = "(gelöscht)"
REASON_RETENTION, REASON_WITHDRAWAL = "retention_period", "consent_withdrawn"


def set_legal_hold(session: Session, *, user: Actor, case_id: int, hold: bool, reason: str | None) -> Case:
    """The DPO puts a case on legal hold (no deletion) or lifts it; both with a reason."""
    require_dpo(user)
    if not reason or len(reason.strip()) < 5:
        raise InvalidInput("Bitte den Grund angeben (z. B. Aktenzeichen des Verfahrens).",
                           errors={"reason": ["Grund erforderlich."]})
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    if case.anonymised_at is not None:
        raise Conflict("Die personenbezogenen Daten dieses Falls sind bereits gelöscht.",
                       kind="personal-data-erased")
    case.legal_hold, case.legal_hold_reason = hold, reason.strip()[:500]
    record(session, user, case_event("case.legal_hold" if hold else "case.legal_hold_lifted", case,
                                     reason=reason.strip()[:500]))
    return case


def _due_condition(tenant: Tenant, default_days: int, now: datetime):
    days = tenant.retention_days if tenant.retention_days is not None else default_days
    return (Case.tenant_id == tenant.id) & Case.anonymised_at.is_(None) & Case.legal_hold.is_(False) & or_(
        Case.deletion_due_at <= now,
        (Case.status == CLOSED) & (Case.closed_at <= now - timedelta(days=days)))


def due_case_ids(session: Session, *, default_days: int, now: datetime | None = None,
                 limit: int = 1000) -> list[int]:
    """Cases whose personal data is due for removal, oldest first."""
    now = now or utcnow()
    ids: list[int] = []
    for tenant in session.scalars(select(Tenant)):
        ids += session.scalars(select(Case.id).where(_due_condition(tenant, default_days, now))
                               .order_by(Case.id).limit(limit - len(ids))).all()
        if len(ids) >= limit:
            break
    return ids


def anonymise(session: Session, case: Case, *, reason: str, now: datetime) -> DeletionRecord:
    """Remove the case's personal data everywhere it is held (caller holds the write lock)."""
    stopped = stop_case_instances(session, case)
    history = session.execute(update(HistoryEntry).where(HistoryEntry.case_id == case.id,
                                                         HistoryEntry.data.is_not(None))
                              .values(data=null()).execution_options(synchronize_session=False)).rowcount
    drafts = session.execute(delete(TaskDraft).where(TaskDraft.task_id.in_(
        select(TaskRecord.id).where(TaskRecord.case_id == case.id)))
        .execution_options(synchronize_session=False)).rowcount
    states = session.execute(update(ProcessInstance).where(ProcessInstance.case_id == case.id)
                             .values(state="", updated_at=now)
                             .execution_options(synchronize_session=False)).rowcount
    case.family_name = case.given_name = REMOVED_NAME
    case.client = {}
    case.anonymised_at = now
    removed = {"client_fields": 1, "history_data": history, "process_states": states, "drafts": drafts,
               "stopped_processes": stopped}
    rec = DeletionRecord(tenant_id=case.tenant_id, case_id=case.id, case_number=case.case_number,
                         pseudonym=case.pseudonym, reason=reason, deleted_at=now, removed=removed)
    session.add(rec)
    record(session, None, case_event("case.anonymised", case, detail={"reason": reason, **removed}),
           tenant_id=case.tenant_id)
    return rec


@dataclass
class RetentionReport:
    """What one retention run did."""

    anonymised: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def run(sessions, *, default_days: int, batch: int = 50, now: datetime | None = None,
        dry_run: bool = False) -> RetentionReport:
    """Anonymise every due case, one transaction per case (read in batches); a case that
    fails is logged, reported and skipped, the others go on. ``dry_run`` lists (up to 1,000)."""
    report = RetentionReport()
    now = now or utcnow()
    skip: set[int] = set()
    while True:
        with sessions() as session:
            if dry_run:
                ids = due_case_ids(session, default_days=default_days, now=now)
                report.anonymised += [session.get(Case, i).pseudonym for i in ids]
                return report
            ids = [i for i in due_case_ids(session, default_days=default_days, now=now,
                                           limit=batch + len(skip)) if i not in skip][:batch]
            if not ids:
                return report
        for case_id in ids:
            with sessions() as session:
                try:
                    begin_write(session)
                    case = session.get(Case, case_id)
                    if case.anonymised_at is None and not case.legal_hold:
                        anonymise(session, case, reason=REASON_WITHDRAWAL if case.deletion_due_at
                                  and case.deletion_due_at <= now else REASON_RETENTION, now=now)
                        session.commit()
                        report.anonymised.append(case.pseudonym)
                except Exception:  # one broken case must not stop the others
                    session.rollback()
                    log.exception("retention failed for case %s", case_id)
                    report.failed.append(str(case_id))
                    skip.add(case_id)


def install(scheduler, sessions, settings) -> None:
    """Run retention on the scheduler every ``retention_check_minutes`` (and once at start)."""
    def job():
        report = run(sessions, default_days=settings.retention_days)
        if report.anonymised or report.failed:
            log.info("retention: %d anonymised, %d failed", len(report.anonymised), len(report.failed))
    scheduler.add_periodic("retention", job, settings.retention_check_minutes)
