"""Reopening a case closed by mistake: by its case manager, within the tenant's period, with a reason.

The case continues where it stopped: its lifecycle instance waits again at the last user task
completed before the end (the consent task when the case was closed for want of consent, the
closure task otherwise; engine/workflow/reopen.py), the case is open again, its closure fields are
cleared and the closure no longer counts in the programme figures. The history gets a line
"Fall wieder geöffnet" (the reason encrypted with it) and the audit trail the reason.

Refused: a case closed because consent was withdrawn (no further processing is allowed), a case
whose personal data is removed, an open case (409), after the period (409), and by anyone but the
case's own case manager (403; out of scope stays 404 like every case endpoint).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from .. import workflow as wf
from ..access.actor import Actor
from ..access.service import require_case_manager
from ..audit.service import case_event, record
from ..clock import utcnow
from ..db import begin_write
from ..errors import Conflict, Forbidden, InvalidInput, ProcessFailure
from ..instances.models import HistoryEntry, ProcessInstance
from ..instances.service import record_step
from ..org.models import Tenant
from ..processes.service import parsed_version
from ..reports.projection import retract_closure
from .lifecycle import PROCESS_ID as LIFECYCLE
from .models import CLOSED, OPEN, Case
from .service import get_case

REOPEN_DAYS = 30  # the default when the tenant sets none (tenants.reopen_days)
REASON_LENGTH = 1000
NOT_REOPENABLE = ("consent_withdrawn",)  # after a withdrawal nothing may be processed any more
ENDED_BY = ("closure_reason",)  # what the end of the process set, cleared again
HISTORY_NAME = "Fall wieder geöffnet"
HISTORY_KIND = "Reopen Event"  # an event for the history's labels (engine/history_labels.py)


@dataclass(frozen=True)
class ReopenWindow:
    """Until when a closed case can be reopened, and whether that is still possible now."""

    until: datetime
    open_now: bool


def window(session: Session, case: Case) -> ReopenWindow | None:
    """The reopening period of a closed case (None: open, or never reopenable)."""
    if case.status != CLOSED or case.closed_at is None or not reopenable(case):
        return None
    days = session.scalar(select(Tenant.reopen_days).where(Tenant.id == case.tenant_id))
    until = case.closed_at + timedelta(days=days if days is not None else REOPEN_DAYS)
    return ReopenWindow(until, utcnow() <= until)


def reopenable(case: Case) -> bool:
    """Whether the way the case was closed allows reopening at all."""
    return case.anonymised_at is None and case.closure_reason not in NOT_REOPENABLE


def _last_user_task(session: Session, instance_id: int) -> HistoryEntry | None:
    return session.scalars(
        select(HistoryEntry)
        .where(
            HistoryEntry.instance_id == instance_id,
            HistoryEntry.kind == "User Task",
            HistoryEntry.state == "completed",
        )
        .order_by(HistoryEntry.id.desc())
        .limit(1)
    ).first()


def reopen_case(session: Session, *, user: Actor, case_id: int, reason: str | None) -> Case:
    """Reopen a closed case at the task it was closed from; see the module docstring."""
    require_case_manager(user)
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    if case.case_manager_id != user.id:
        raise Forbidden(
            "Nur die fallführende Case-Managerin bzw. der fallführende Case-Manager kann den Fall "
            "wieder öffnen."
        )
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("Bitte einen Grund angeben.", errors={"reason": ["Bitte einen Grund angeben."]})
    if len(text) > REASON_LENGTH:
        raise InvalidInput(
            "Der Grund ist zu lang.", errors={"reason": [f"Zu lang: höchstens {REASON_LENGTH} Zeichen."]}
        )
    if case.status == OPEN:
        raise Conflict(
            "Der Fall ist nicht abgeschlossen; er kann nicht wieder geöffnet werden.", kind="case-open"
        )
    if not reopenable(case):
        raise Conflict(
            "Dieser Fall kann nicht wieder geöffnet werden (Einwilligung widerrufen oder Daten gelöscht).",
            kind="case-not-reopenable",
        )
    span = window(session, case)
    if span is None or not span.open_now:
        until = f" (möglich bis {span.until:%d.%m.%Y})" if span else ""
        raise Conflict(f"Die Frist zum Wiederöffnen ist abgelaufen{until}.", kind="reopen-period-over")
    instance = session.scalars(
        select(ProcessInstance)
        .where(ProcessInstance.case_id == case.id, ProcessInstance.process_id == LIFECYCLE)
        .order_by(ProcessInstance.id.desc())
        .with_for_update()
    ).first()
    last = _last_user_task(session, instance.id) if instance is not None else None
    if instance is None or last is None or last.bpmn_id is None:
        raise Conflict("Dieser Fall kann nicht wieder geöffnet werden.", kind="case-not-reopenable")
    drop = (*ENDED_BY, *(last.data or {}))
    try:
        result = wf.reopen(
            parsed_version(session, instance.process_version_id), instance.state, last.bpmn_id, drop
        )
    except wf.NotFinished:
        raise Conflict("Der Fall ist nicht abgeschlossen.", kind="case-open") from None
    except wf.EngineFailure as exc:
        raise ProcessFailure(
            "Der Fall konnte nicht wieder geöffnet werden; nichts wurde gespeichert.",
            element_id=exc.element_id,
        ) from None
    record_step(session, instance=instance, case=case, result=result, user=user, completed_task=None)
    closed = {
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        "closure_reason": case.closure_reason,
    }
    case.status, case.closed_at, case.closure_reason = OPEN, None, None
    # The closure no longer counts (the projection counts the next one when it comes).
    retract_closure(session, case.id)
    now = utcnow()
    session.execute(
        cast(Table, HistoryEntry.__table__).insert(),
        [
            {
                "instance_id": instance.id,
                "tenant_id": instance.tenant_id,
                "case_id": case.id,
                "task_id": None,
                "bpmn_id": None,
                "name": HISTORY_NAME,
                "kind": HISTORY_KIND,
                "state": "completed",
                "lane": None,
                "at": now,
                "user_id": user.id,
                "data": {"reason": text, "reopened_at": last.bpmn_id},
            }
        ],
    )
    record(
        session,
        user,
        case_event("case.reopen", case, reason=text, detail={**closed, "task": last.bpmn_id}),
    )
    return case
