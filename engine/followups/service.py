"""Starting the UmA follow-up for a case, and the overview of follow-ups.

The follow-up runs as its own process instance (processes/uma_job_followup.bpmn) beside
the case lifecycle; engine/followups/projection.py keeps its row in the ``followups`` table
in step (wired in engine/hooks.py), so the overview is a plain indexed query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import can_read_cases, require_case_manager, scope_filter, sees_personal_data
from ..audit.service import Event, case_event, record
from ..cases.models import OPEN, Case
from ..cases.service import get_case
from ..clock import today_berlin
from ..db import begin_write
from ..errors import Conflict, InvalidInput
from ..instances.models import RUNNING, ProcessInstance
from ..instances.service import create_instance, start_current
from ..org.models import Municipality, Team
from .models import DONE, WAITING, FollowUp
from .projection import PROCESS_ID

MAX_WINDOW_DAYS = 366


def start_followup(session: Session, *, user: Actor, case_id: int) -> FollowUp:
    """Start the job follow-up for an open case (one running follow-up per case)."""
    require_case_manager(user)
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    if case.status != OPEN:
        raise Conflict(
            "Der Fall ist abgeschlossen; eine Nachverfolgung ist nicht mehr möglich.", kind="case-closed"
        )
    running = session.scalar(
        select(FollowUp.id)
        .join(ProcessInstance, ProcessInstance.id == FollowUp.instance_id)
        .where(FollowUp.case_id == case.id, ProcessInstance.status == RUNNING)
    )
    if running is not None:
        raise Conflict("Für diesen Fall läuft bereits eine Nachverfolgung.", kind="followup-running")
    version_id, result = start_current(
        session, PROCESS_ID, "Die Nachverfolgung konnte nicht gestartet werden."
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
    state: str  # planning | scheduled | due | overdue | done


def _state(row: FollowUp, today: date) -> str:
    if row.status == DONE:
        return "done"
    if row.due_date is None:
        return "planning"
    if row.due_date < today:
        return "overdue"
    return "due" if row.due_date == today else "scheduled"


def overview(
    session: Session,
    *,
    user: Actor,
    within_days: int = 30,
    include: str = "open",
    team_id: int | None = None,
    municipality_id: int | None = None,
) -> list[OverviewItem]:
    """Follow-ups due within ``within_days`` plus every overdue one (``include='open'``),
    or those completed (``include='done'``), in the user's scope, earliest due first."""
    can_read_cases(user)
    begin_write(session)  # the reading is recorded
    if not 0 <= within_days <= MAX_WINDOW_DAYS:
        raise InvalidInput(
            f"Der Zeitraum muss zwischen 0 und {MAX_WINDOW_DAYS} Tagen liegen.",
            errors={"within_days": ["Ungültiger Zeitraum."]},
        )
    today = today_berlin()
    cond = [scope_filter(user, FollowUp.municipality_id, FollowUp.team_id, FollowUp.tenant_id)]
    if include == "done":
        cond.append(FollowUp.status == DONE)
    else:
        cond.append(
            and_(FollowUp.status == WAITING, FollowUp.due_date <= today + timedelta(days=within_days))
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
    return [OverviewItem(f, c, m, t, _state(f, today)) for f, c, m, t in rows]


def summary(items: list[OverviewItem]) -> dict:
    """Counts by state and outcome, for the overview's header."""
    out: dict[str, Any] = {
        "overdue": 0,
        "due": 0,
        "scheduled": 0,
        "done": 0,
        "planning": 0,
        "outcomes": {"still_employed": 0, "ended": 0},
    }
    for item in items:
        out[item.state] += 1
        if item.followup.outcome in out["outcomes"]:
            out["outcomes"][item.followup.outcome] += 1
    return out
