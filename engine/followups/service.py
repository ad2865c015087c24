"""Starting the UmA follow-up for a case, and the overview of follow-ups.

The follow-up runs as its own process instance (processes/uma_job_followup.bpmn) beside
the case lifecycle; engine/followups/projection.py keeps its row in the ``followups`` table
in step (wired in engine/hooks.py), so the overview is a plain indexed query. What is due or
overdue comes from the follow-up's open tasks (engine/followups/due.py), as in the inbox.

A follow-up needs the case's consent to data processing, given and in force; it stops with its
case (closure, refused or withdrawn consent, deletion: engine/instances/service.stop_case_instances).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import can_read_cases, require_case_manager, scope_filter, sees_personal_data
from ..audit.service import Event, case_event, record
from ..cases.models import OPEN, Case
from ..cases.service import get_case
from ..clock import today_berlin, utcnow
from ..consents.models import DATA_PROCESSING
from ..consents.service import active as consents_in_force
from ..dates import end_of_day
from ..db import begin_write
from ..errors import Conflict, InvalidInput
from ..instances.models import RUNNING, ProcessInstance
from ..instances.service import create_instance, start_current
from ..org.models import Municipality, Team
from . import due
from .models import DONE, STOPPED, WAITING, FollowUp
from .projection import PROCESS_ID

MAX_WINDOW_DAYS = 366


def start_followup(session: Session, *, user: Actor, case_id: int) -> FollowUp:
    """Start the job follow-up for an open case with consent in force (one running follow-up per case;
    one whose job has ended, waiting only for the re-engagement, does not block a new one)."""
    require_case_manager(user)
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    if case.status != OPEN:
        raise Conflict(
            "Der Fall ist abgeschlossen; eine Nachverfolgung ist nicht mehr möglich.", kind="case-closed"
        )
    if not any(c.kind == DATA_PROCESSING for c in consents_in_force(session, case.id)):
        raise Conflict(
            "Eine Nachverfolgung ist erst möglich, wenn die Einwilligung zur Datenverarbeitung erteilt "
            "ist (Aufgabe „Einwilligung“).",
            kind="consent-not-given",
        )
    running = session.scalar(
        select(FollowUp.id)
        .join(ProcessInstance, ProcessInstance.id == FollowUp.instance_id)
        .where(
            FollowUp.case_id == case.id,
            ProcessInstance.status == RUNNING,
            or_(FollowUp.outcome.is_(None), FollowUp.outcome != "ended"),
        )
    )
    if running is not None:
        raise Conflict("Für diesen Fall läuft bereits eine Nachverfolgung.", kind="followup-running")
    version_id, result = start_current(
        session, PROCESS_ID, "Die Nachverfolgung konnte nicht gestartet werden.", tenant_id=case.tenant_id
    )
    instance, _ = create_instance(
        session, case=case, version_id=version_id, process_id=PROCESS_ID, result=result, user=user
    )
    record(session, user, case_event("followup.start", case))
    return session.scalars(select(FollowUp).where(FollowUp.instance_id == instance.id)).one()


@dataclass(frozen=True)
class OverviewItem:
    followup: FollowUp
    case: Case
    municipality: str
    team: str | None
    state: str  # planning | scheduled | due | overdue | done (engine/followups/due.py)
    work: due.OpenWork


def overview(
    session: Session,
    *,
    user: Actor,
    within_days: int = 30,
    include: str = "open",
    team_id: int | None = None,
    municipality_id: int | None = None,
) -> list[OverviewItem]:
    """Follow-ups with a task due within ``within_days`` or overdue, and those waiting for a date in
    that window (``include='open'``), or those completed (``include='done'``), in the user's scope,
    earliest due first. Due means the due time of an open task (engine/followups/due.py)."""
    can_read_cases(user)
    begin_write(session)  # the reading is recorded
    if not 0 <= within_days <= MAX_WINDOW_DAYS:
        raise InvalidInput(
            f"Der Zeitraum muss zwischen 0 und {MAX_WINDOW_DAYS} Tagen liegen.",
            errors={"within_days": ["Ungültiger Zeitraum."]},
        )
    now = utcnow()
    last_day = today_berlin() + timedelta(days=within_days)
    until = end_of_day(last_day)
    next_due = due.next_due_of(FollowUp.instance_id)
    cond = [scope_filter(user, FollowUp.municipality_id, FollowUp.team_id, FollowUp.tenant_id)]
    if include == "done":
        cond.append(FollowUp.status == DONE)
    else:
        cond.append(
            and_(
                FollowUp.status != STOPPED,
                or_(
                    next_due <= until,
                    and_(
                        next_due.is_(None),
                        FollowUp.status == WAITING,
                        FollowUp.due_date <= last_day,
                    ),
                ),
            )
        )
    if team_id is not None:
        cond.append(FollowUp.team_id == team_id)
    if municipality_id is not None:
        cond.append(FollowUp.municipality_id == municipality_id)
    rows = session.execute(
        select(FollowUp, Case, Municipality.name, Team.name)
        .join(Case, Case.id == FollowUp.case_id)
        .join(Municipality, Municipality.id == FollowUp.municipality_id)
        .outerjoin(Team, Team.id == FollowUp.team_id)
        .where(*cond)
        .order_by(FollowUp.due_date, FollowUp.id)
        .limit(1000)
    ).all()
    if sees_personal_data(user):
        record(session, user, *(case_event("followup.list", c) for _f, c, _m, _t in rows))
    else:
        record(session, user, Event("followup.list", "followup_overview", detail={"count": len(rows)}))
    work = due.open_work(session, [f.instance_id for f, _c, _m, _t in rows])
    items = []
    for f, c, m, t in rows:
        open_work = work.get(f.instance_id, due.NOTHING_OPEN)
        items.append(OverviewItem(f, c, m, t, due.state(f, open_work, now), open_work))
    # Earliest first: the next open task's due time, else the day the follow-up falls due.
    items.sort(key=lambda i: (_sort_time(i), i.followup.id))
    return items


def _sort_time(item: OverviewItem) -> datetime:
    if item.work.next_due is not None:
        return item.work.next_due
    return end_of_day(item.followup.due_date) if item.followup.due_date else datetime.max.replace(tzinfo=UTC)


def summary(items: list[OverviewItem]) -> dict:
    """Counts by state and outcome, for the overview's header."""
    out: dict[str, Any] = {
        "overdue": 0,
        "due": 0,
        "scheduled": 0,
        "done": 0,
        "planning": 0,
        "stopped": 0,
        "outcomes": {"still_employed": 0, "ended": 0},
    }
    for item in items:
        out[item.state] += 1
        if item.followup.outcome in out["outcomes"]:
            out["outcomes"][item.followup.outcome] += 1
    return out
