"""The case lifecycle's goals, projected into ``goals`` as each step happens (an after-step hook,
engine/hooks.py): a completed goal agreement adds one row per goal, a completed evaluation gives each
goal it picked its status. Test runs of the diagram have no case and are skipped."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from ..cases.models import Case
from .models import AGREEMENT, DROPPED, OPEN, STATUSES, Goal
from .service import goals_of

PROCESS_ID = "case_lifecycle"
AGREEMENT_TASKS, EVALUATION_TASKS = {"goal_agreement"}, {"evaluation"}


def project(session: Session, instance, case, result, now: datetime) -> None:
    """Goals of one lifecycle step (same transaction as the step)."""
    if case is None:
        return
    for item in result.finished:
        if item.data is None:
            continue
        if item.bpmn_id in AGREEMENT_TASKS:
            agree(session, case, item.data, task_id=item.task_id, now=now)
        elif item.bpmn_id in EVALUATION_TASKS:
            evaluate(session, case, item.data, now=now)


def _day(value) -> date | None:
    """An ISO date from form data (already validated), else None."""
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _code(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _ids(value) -> list[int]:
    return [i for i in value if isinstance(i, int)] if isinstance(value, list) else []


def agree(session: Session, case: Case, data: dict, *, task_id: str | None, now: datetime) -> list[Goal]:
    """One row per goal of a completed goal agreement (after-step hook)."""
    agreed_on = _day(data.get("agreement_date"))
    rows = []
    for item in data.get("goals") or []:
        if not isinstance(item, dict) or not isinstance(item.get("goal"), str):
            continue
        rows.append(
            Goal(
                case_id=case.id,
                tenant_id=case.tenant_id,
                text=item["goal"],
                life_area=_code(item.get("life_area")),
                member_ids=_ids(item.get("member_ids")),
                target_date=_day(item.get("target_date")),
                linked_help=_code(item.get("linked_help")),
                status=OPEN,
                source=AGREEMENT,
                agreed_on=agreed_on,
                task_id=task_id,
                created_at=now,
                updated_at=now,
            )
        )
    session.add_all(rows)
    session.flush()
    return rows


def evaluate(session: Session, case: Case, data: dict, *, now: datetime) -> int:
    """Each goal an evaluation picked takes the status it gave (after-step hook); goals updated."""
    if not data.get("progress"):
        return 0  # the evaluation gave no goal a status: no query
    goals = {g.id: g for g in goals_of(session, case.id)}
    on = _day(data.get("evaluation_date"))
    count = 0
    for item in data.get("progress") or []:
        goal_id = item.get("goal_id") if isinstance(item, dict) else None
        goal = goals.get(goal_id) if isinstance(goal_id, int) else None
        status = item.get("status") if goal is not None else None
        if goal is None or goal.status == DROPPED or status not in STATUSES or status in (OPEN, DROPPED):
            continue  # checks.py refused these before the step; old free-text progress names no row
        goal.status, goal.evaluated_on, goal.updated_at = status, on, now
        count += 1
    return count
