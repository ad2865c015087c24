"""Goals a case manager adds or drops after the goal agreement (case page and API).

The goal agreement's goals and the evaluations' statuses come in through the after-step hook
(projection.py). Nothing here commits: the request's unit of work does.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import require_case_manager
from ..audit.service import case_event, record
from ..cases.models import OPEN as CASE_OPEN
from ..cases.models import Case
from ..cases.service import get_case
from ..clock import today_berlin, utcnow
from ..db import begin_write
from ..errors import Conflict, InvalidInput, NotFound
from ..households.service import require_members
from ..vocabulary import labels, refresh
from .models import ADDED, DROPPED, OPEN, Goal

TEXT_MAX, REASON_MAX = 500, 500
NO_SUCH_GOAL = "Dieses Ziel gibt es in diesem Fall nicht."
LIFE_AREAS, LINKED_HELP = "goal_agreement.goals.life_area", "goal_agreement.goals.linked_help"


def goals_of(session: Session, case_id: int) -> list[Goal]:
    """The case's goals in the order they were agreed or added."""
    return list(session.scalars(select(Goal).where(Goal.case_id == case_id).order_by(Goal.id)))


def _open_case(session: Session, user: Actor, case_id: int) -> Case:
    require_case_manager(user)
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    if case.status != CASE_OPEN:
        raise Conflict(
            "Der Fall ist abgeschlossen; Ziele können nicht mehr geändert werden.", kind="case-closed"
        )
    return case


def _choice(vocabulary: str, value, field: str, message: str, *, required: bool) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or value not in labels(vocabulary):
        raise InvalidInput(message, errors={field: [message]})
    return value


def add_goal(
    session: Session,
    *,
    user: Actor,
    case_id: int,
    text: str,
    life_area: str,
    target_date: date | None,
    member_ids: list[int] | None = None,
    linked_help: str | None = None,
) -> Goal:
    """A goal agreed after the goal agreement (German 422 naming the field; nothing saved on error)."""
    case = _open_case(session, user, case_id)
    refresh(session)  # life areas and offers of form versions deployed since
    clean = (text or "").strip()
    if not clean or len(clean) > TEXT_MAX:
        message = "Bitte das Ziel beschreiben." if not clean else f"Höchstens {TEXT_MAX} Zeichen."
        raise InvalidInput(message, errors={"text": [message]})
    area = _choice(LIFE_AREAS, life_area, "life_area", "Bitte einen Lebensbereich wählen.", required=True)
    help_code = _choice(LINKED_HELP, linked_help, "linked_help", "Unbekanntes Angebot.", required=False)
    members = require_members(session, case.id, member_ids) if member_ids else []
    now = utcnow()
    goal = Goal(
        case_id=case.id,
        tenant_id=case.tenant_id,
        text=clean,
        life_area=area,
        member_ids=[m.id for m in members],
        target_date=target_date,
        linked_help=help_code,
        status=OPEN,
        source=ADDED,
        agreed_on=today_berlin(),
        created_by_id=user.id,
        created_at=now,
        updated_at=now,
    )
    session.add(goal)
    session.flush()
    record(session, user, case_event("goal.add", case, detail={"goal_id": goal.id, "life_area": area}))
    return goal


def drop_goal(session: Session, *, user: Actor, case_id: int, goal_id: int, reason: str) -> Goal:
    """Drop a goal with a reason; it stays on the case, marked dropped, and evaluations no longer pick it."""
    case = _open_case(session, user, case_id)
    goal = session.get(Goal, goal_id)
    if goal is None or goal.case_id != case.id:
        raise NotFound(NO_SUCH_GOAL)
    if goal.status == DROPPED:
        raise Conflict("Dieses Ziel ist bereits aufgegeben.", kind="goal-dropped")
    clean = (reason or "").strip()
    if not clean or len(clean) > REASON_MAX:
        message = "Bitte den Grund angeben." if not clean else f"Höchstens {REASON_MAX} Zeichen."
        raise InvalidInput(message, errors={"reason": [message]})
    now = utcnow()
    goal.status, goal.dropped_reason, goal.dropped_at, goal.dropped_by_id = DROPPED, clean, now, user.id
    goal.updated_at = now
    record(session, user, case_event("goal.drop", case, detail={"goal_id": goal.id}))
    return goal
