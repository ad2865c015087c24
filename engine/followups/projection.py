"""Keeping a case's follow-up row in step with its UmA follow-up instance (hooks, engine/hooks.py).

Each step projects the process data into the ``followups`` table, so overviews are plain indexed
queries; nothing loads workflow state to answer them. The check-in counters are counted from the
tasks projection, which the step has just written: done = completed check-in tasks, fired = check-in
tasks created; planned comes from the diagram's data (``checkins_total``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import case as when
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import workflow as wf
from ..cases.models import Case
from ..instances.models import ProcessInstance
from ..tasks.models import COMPLETED, TaskRecord
from .models import DONE, PLANNING, STOPPED, WAITING, FollowUp

PROCESS_ID = "uma_job_followup"
CHECKIN = "checkin"  # the check-in task's element id in processes/uma_job_followup.bpmn


def _as_date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def project(
    session: Session, instance: ProcessInstance, case: Case | None, result: wf.StepResult, now: datetime
) -> None:
    """Keep the instance's follow-up row in step with its data (after each step, same transaction)."""
    if case is None:
        return
    row = session.scalars(select(FollowUp).where(FollowUp.instance_id == instance.id)).first()
    if row is None:
        row = FollowUp(
            instance_id=instance.id,
            case_id=case.id,
            tenant_id=case.tenant_id,
            municipality_id=case.municipality_id,
            team_id=case.team_id,
            status=PLANNING,
            checkins_done=0,
            checkins_fired=0,
            checkins_planned=0,
            started_at=now,
        )
        session.add(row)
    data = result.data
    for field in ("responsible", "responsible_person", "placement_kind", "outcome"):
        if data.get(field) is not None:
            setattr(row, field, str(data[field])[:200])
    row.start_date = _as_date(data.get("start_date")) or row.start_date
    row.due_date = _as_date(data.get("followup_due")) or row.due_date
    if isinstance(data.get("checkins_total"), int):
        row.checkins_planned = data["checkins_total"]
    row.checkins_fired, row.checkins_done = checkin_counts(session, instance.id)
    if row.outcome and row.status != DONE:
        row.status, row.completed_at = DONE, now
    elif row.due_date and row.status == PLANNING:
        row.status = WAITING
    session.flush()


def checkin_counts(session: Session, instance_id: int) -> tuple[int, int]:
    """(check-in tasks created, check-in tasks completed) of the instance, from the tasks projection."""
    fired, done = session.execute(
        select(
            func.count(), func.coalesce(func.sum(when((TaskRecord.status == COMPLETED, 1), else_=0)), 0)
        ).where(TaskRecord.instance_id == instance_id, TaskRecord.bpmn_id == CHECKIN)
    ).one()
    return int(fired), int(done)


def stopped(session: Session, instance: ProcessInstance, now: datetime) -> None:
    """The follow-up was stopped from outside (case closed, consent refused or withdrawn, data deleted):
    its row says so, unless its outcome was already recorded (then it stays among the outcomes)."""
    session.execute(
        update(FollowUp)
        .where(FollowUp.instance_id == instance.id, FollowUp.status != DONE)
        .values(status=STOPPED, completed_at=now)
        .execution_options(synchronize_session=False)
    )
