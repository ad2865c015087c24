"""Persisting engine steps: instance state, history rows and the task projection together."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import workflow as wf
from ..access.actor import Actor
from ..cases.models import CLOSED, Case
from ..clock import utcnow
from ..tasks.models import CANCELLED, COMPLETED, READY, TaskRecord
from .models import COMPLETED as INSTANCE_COMPLETED
from .models import RUNNING, HistoryEntry, ProcessInstance

# Lane name (case-insensitive) -> role that works on the lane's tasks.
LANE_ROLES = {"case-management": "case_manager", "koordination": "coordinator",
              "prozessverantwortung": "process_owner", "lenkungsgruppe": "steering"}


def role_for_lane(lane: str | None) -> str:
    """The role responsible for a lane; unknown or missing lanes belong to case managers."""
    return LANE_ROLES.get((lane or "").strip().lower(), "case_manager")


def create_instance(session: Session, *, case: Case | None, version_id: int,
                    result: wf.StepResult, user: Actor | None) -> ProcessInstance:
    """Store a freshly started instance and its first tasks."""
    now = utcnow()
    instance = ProcessInstance(case_id=case.id if case else None, process_version_id=version_id,
                               status=RUNNING, state=result.state, created_at=now, updated_at=now)
    session.add(instance)
    session.flush()
    record_step(session, instance=instance, case=case, result=result, user=user, completed_task=None)
    return instance


def record_step(session: Session, *, instance: ProcessInstance, case: Case | None,
                result: wf.StepResult, user: Actor | None, completed_task: str | None) -> list[TaskRecord]:
    """Write one step's state, history and task projection; returns the ready tasks."""
    # Read the open rows first, so the query does not flush half of this step early.
    open_rows = session.scalars(select(TaskRecord).where(
        TaskRecord.instance_id == instance.id, TaskRecord.status == READY)).all()
    now = utcnow()
    instance.state = result.state
    instance.updated_at = now
    if result.completed:
        instance.status = INSTANCE_COMPLETED
    case_id = case.id if case else None
    if result.finished:
        # Append-only: one multi-row INSERT, no ORM objects needed.
        session.execute(HistoryEntry.__table__.insert(), [{
            "instance_id": instance.id, "case_id": case_id, "task_id": item.task_id,
            "bpmn_id": item.bpmn_id, "name": item.name, "kind": item.task_type,
            "state": item.state.lower(), "lane": item.lane, "at": item.finished_at,
            "user_id": user.id if (user and item.data is not None) else None, "data": item.data,
        } for item in result.finished])

    ready_ids = {t.task_id for t in result.ready}
    ready_rows = []
    for row in open_rows:
        if row.id in ready_ids:
            ready_rows.append(row)
            continue
        if row.id == completed_task:
            row.status, row.completed_at = COMPLETED, now
            row.completed_by_id = user.id if user else None
        else:
            row.status, row.completed_at = CANCELLED, now
    known = {row.id for row in open_rows}
    for task in result.ready:
        if task.task_id in known:
            continue
        row = TaskRecord(
            id=task.task_id, instance_id=instance.id, case_id=case_id,
            tenant_id=case.tenant_id if case else user.tenant_id,
            municipality_id=case.municipality_id if case else None,
            team_id=case.team_id if case else None, bpmn_id=task.bpmn_id,
            name=task.name or task.bpmn_id, form_key=task.form_key, lane=task.lane,
            role=role_for_lane(task.lane), status=READY, created_at=now)
        session.add(row)
        ready_rows.append(row)

    if case is not None:
        if result.data.get("route") in ("referral", "accompaniment"):
            case.route = result.data["route"]
        if result.completed:
            case.status = CLOSED
            case.closed_at = now
            reason = result.data.get("closure_reason")
            case.closure_reason = str(reason)[:40] if reason else "other"
    return ready_rows
