"""Retention: personal data of closed cases is removed on time; a legal hold stops it.

What goes: the client's name and details on the case, the form data in the history, the
process state, saved form drafts, the case notes' text and the documents (engine/casefile), the goals'
texts and drop reasons. What stays: the typed columns the figures count (municipality, route, dates,
closure reason), consents and referrals as dates and agencies, the notes' dates and kinds, the audit
trail (pseudonyms only) and a deletion record.

The functions here run inside the caller's unit of work; the job that finds due cases and
anonymises them one unit of work each is engine/retention/jobs.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, null, or_, select, update
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..audit.service import case_event, record, require_dpo
from ..casefile.models import CaseNote, Document
from ..cases.models import CLOSED, Case
from ..cases.service import get_case
from ..clock import utcnow
from ..consents.models import Referral
from ..db import begin_write
from ..errors import Conflict, InvalidInput
from ..goals.models import Goal
from ..households.models import Member, MemberChange
from ..instances.models import HistoryEntry, ProcessInstance
from ..instances.service import stop_case_instances
from ..org.models import Tenant
from ..tasks.models import TaskDraft, TaskRecord
from .models import DeletionRecord

REMOVED_NAME = "(gelöscht)"
REASON_RETENTION, REASON_WITHDRAWAL = "retention_period", "consent_withdrawn"


def set_legal_hold(session: Session, *, user: Actor, case_id: int, hold: bool, reason: str | None) -> Case:
    """The DPO puts a case on legal hold (no deletion) or lifts it; both with a reason."""
    require_dpo(user)
    if not reason or len(reason.strip()) < 5:
        raise InvalidInput(
            "Bitte den Grund angeben (z. B. Aktenzeichen des Verfahrens).",
            errors={"reason": ["Grund erforderlich."]},
        )
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    if case.anonymised_at is not None:
        raise Conflict(
            "Die personenbezogenen Daten dieses Falls sind bereits gelöscht.", kind="personal-data-erased"
        )
    case.legal_hold, case.legal_hold_reason = hold, reason.strip()[:500]
    record(
        session,
        user,
        case_event(
            "case.legal_hold" if hold else "case.legal_hold_lifted", case, reason=reason.strip()[:500]
        ),
    )
    return case


def _due_condition(tenant: Tenant, default_days: int, now: datetime):
    days = tenant.retention_days if tenant.retention_days is not None else default_days
    return (
        (Case.tenant_id == tenant.id)
        & Case.anonymised_at.is_(None)
        & Case.legal_hold.is_(False)
        & or_(
            Case.deletion_due_at <= now,
            (Case.status == CLOSED) & (Case.closed_at <= now - timedelta(days=days)),
        )
    )


def due_case_ids(
    session: Session, *, default_days: int, now: datetime | None = None, limit: int = 1000
) -> list[int]:
    """Cases whose personal data is due for removal, oldest first."""
    now = now or utcnow()
    ids: list[int] = []
    for tenant in session.scalars(select(Tenant)):
        ids += session.scalars(
            select(Case.id)
            .where(_due_condition(tenant, default_days, now))
            .order_by(Case.id)
            .limit(limit - len(ids))
        ).all()
        if len(ids) >= limit:
            break
    return ids


def anonymise(session: Session, case: Case, *, reason: str, now: datetime) -> DeletionRecord:
    """Remove the case's personal data everywhere it is held (in the caller's writing unit)."""
    begin_write(session)
    stopped = stop_case_instances(session, case)
    history = session.execute(
        update(HistoryEntry)
        .where(HistoryEntry.case_id == case.id, HistoryEntry.data.is_not(None))
        .values(data=null())
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # DML through Session.execute gives a CursorResult
    drafts = session.execute(
        delete(TaskDraft)
        .where(TaskDraft.task_id.in_(select(TaskRecord.id).where(TaskRecord.case_id == case.id)))
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # DML through Session.execute gives a CursorResult
    states = session.execute(
        update(ProcessInstance)
        .where(ProcessInstance.case_id == case.id)
        .values(state="", updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # DML through Session.execute gives a CursorResult
    referral_texts = session.execute(
        update(Referral)
        .where(Referral.case_id == case.id)
        .values(reason=None, answer_text=None)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # DML through Session.execute gives a CursorResult
    case.family_name = case.given_name = REMOVED_NAME
    case.client = {}
    members = session.execute(
        update(Member)
        .where(Member.case_id == case.id)
        .values(
            family_name=REMOVED_NAME,
            given_name=REMOVED_NAME,
            name_key=None,
            person={},
            residence_valid_until=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # DML through Session.execute gives a CursorResult
    notes = session.execute(
        update(CaseNote)
        .where(CaseNote.case_id == case.id, CaseNote.text.is_not(None))
        .values(text=null())
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # DML through Session.execute gives a CursorResult
    documents = session.execute(
        delete(Document).where(Document.case_id == case.id).execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # DML through Session.execute gives a CursorResult
    # the members' history holds old names and dates: it goes with them
    session.execute(
        delete(MemberChange)
        .where(MemberChange.case_id == case.id)
        .execution_options(synchronize_session=False)
    )
    goals = session.execute(
        update(Goal)
        .where(Goal.case_id == case.id)
        .values(text=REMOVED_NAME, dropped_reason=None, member_ids=[])
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # DML through Session.execute gives a CursorResult
    case.anonymised_at = now
    removed = {
        "client_fields": 1,
        "history_data": history,
        "process_states": states,
        "drafts": drafts,
        "stopped_processes": stopped,
        "household_members": members,
        "referral_texts": referral_texts,
        "note_texts": notes,
        "documents": documents,
        "goals": goals,
    }
    rec = DeletionRecord(
        tenant_id=case.tenant_id,
        case_id=case.id,
        case_number=case.case_number,
        pseudonym=case.pseudonym,
        reason=reason,
        deleted_at=now,
        removed=removed,
    )
    session.add(rec)
    record(
        session,
        None,
        case_event("case.anonymised", case, detail={"reason": reason, **removed}),
        tenant_id=case.tenant_id,
    )
    return rec
