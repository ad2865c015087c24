"""Persisting engine steps: instance state, history rows and the task projection together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from .. import inserted, metrics, writes
from .. import workflow as wf
from ..access.actor import Actor
from ..access.models import User
from ..cases.models import Case
from ..clock import utcnow
from ..errors import Conflict, ProcessFailure
from ..insight import steps as insight_steps
from ..processes.service import current_version_id, parsed_version
from ..tasks.models import CANCELLED, COMPLETED, READY, TaskRecord
from ..timers import service as timers
from . import statements
from .hook_table import StepHooks, installed
from .models import COMPLETED as INSTANCE_COMPLETED
from .models import RUNNING, ProcessInstance

# Lane name (case-insensitive) -> role that works on the lane's tasks.
LANE_ROLES = {
    "case-management": "case_manager",
    "koordination": "coordinator",
    "prozessverantwortung": "process_owner",
    "lenkungsgruppe": "steering",
    "behörde": "authority",  # an authority's staff working a check of their agency (engine/checks)
}


def role_for_lane(lane: str | None) -> str:
    """The role responsible for a lane; unknown or missing lanes belong to case managers."""
    return LANE_ROLES.get((lane or "").strip().lower(), "case_manager")


def start_current(
    session: Session, process_id: str, failure_message: str, data: dict | None = None, *, tenant_id: int
) -> tuple[int, wf.StepResult]:
    """Run the tenant's current version of ``process_id`` (its own, else the base's) to its first wait,
    with ``data`` as its start data; (version id, result)."""
    version_id = current_version_id(session, process_id, tenant_id=tenant_id)
    try:
        return version_id, wf.start(parsed_version(session, version_id), data)
    except wf.EngineFailure as exc:
        raise ProcessFailure(failure_message, element_id=exc.element_id) from None


def create_instance(
    session: Session,
    *,
    case: Case | None,
    version_id: int,
    process_id: str,
    result: wf.StepResult,
    user: Actor | None,
    started_by_id: int | None = None,
) -> tuple[ProcessInstance, list[dict]]:
    """Store a freshly started instance and its first tasks (``started_by_id``: a test run's owner)."""
    now = utcnow()
    instance = ProcessInstance(
        case_id=case.id if case else None,
        # the case's tenant, else the acting user's; else the unit's (engine/tenancy/fill.py)
        tenant_id=case.tenant_id if case else (user.tenant_id if user else None),
        process_version_id=version_id,
        process_id=process_id,
        status=RUNNING,
        state="",
        lock_version=0,
        created_at=now,
        updated_at=now,
        started_by_id=started_by_id,
    )
    inserted.insert(session, instance)
    recorded = record_step(  # a new instance has no task or timer rows yet: nothing to read
        session,
        instance=instance,
        case=case,
        result=result,
        user=user,
        completed_task=None,
        open_rows=[],
        has_timers=False,
    )
    return instance, recorded.ready


def _save_state(
    session: Session, instance: ProcessInstance, result: wf.StepResult, now, insight_seen: str | None
) -> None:
    # Optimistic lock, explicit: the UPDATE only applies to the version we loaded (checked where the
    # step's writes go out, engine/writes.py).
    params = {
        "inst_id": instance.id,
        "inst_lock": instance.lock_version,
        "inst_state": result.state,
        "inst_at": now,
        "inst_next_lock": instance.lock_version + 1,
        "inst_status": INSTANCE_COMPLETED if result.completed else RUNNING,
    }
    if insight_seen is not None:
        params["inst_seen"] = insight_seen
        set_committed_value(instance, "insight_seen", insight_seen)  # a later step of this unit
    writes.later(
        session,
        statements.SAVE_STATE if insight_seen is None else statements.SAVE_STATE_AND_SEEN,
        params=params,
        expect=1,
        error=Conflict("Der Fall wurde gleichzeitig geändert. Bitte neu laden.", kind="concurrent-change"),
    )


@dataclass
class Recorded:
    """What one step left in the task projection."""

    ready: list[dict]
    completed: dict | None = None


def record_step(
    session: Session,
    *,
    instance: ProcessInstance,
    case: Case | None,
    result: wf.StepResult,
    user: Actor | None,
    completed_task: str | None,
    fired_by: str | None = None,
    open_rows: list[dict] | None = None,
    has_timers: bool | None = None,
) -> Recorded:
    """Write one step's state, history, task projection and timers, then run the process's
    after-step hooks (engine/hooks.py), all in one transaction.

    ``open_rows`` (the instance's ready task rows) and ``has_timers`` (whether it has timer rows) spare
    their reads when the caller read them already (engine/tasks/service.py, with the task). The
    writes go out together (engine/writes.py)."""
    hooks = installed().after(instance.process_id)  # before any write: unwired start-up fails clean
    now = utcnow()
    tasks = cast(Table, TaskRecord.__table__)
    if open_rows is None:
        open_rows = [
            dict(row)
            for row in session.execute(
                select(tasks).where(tasks.c.instance_id == instance.id, tasks.c.status == READY)
            ).mappings()
        ]
    case_id = case.id if case else None
    tenant_id = instance.tenant_id
    owner = case.tenant_id if case else _tenant_of(session, instance, user)  # of projection and task rows
    insight = None
    if result.finished:
        # The heat map's step projection, from the same rows (engine/insight/steps.py).
        insight = insight_steps.plan(
            session,
            instance=instance,
            tenant_id=owner,
            case=case,
            finished=[(item.bpmn_id, item.finished_at) for item in result.finished],
        )
    _save_state(session, instance, result, now, insight.seen if insight else None)
    if result.finished:
        # Append-only: one multi-row INSERT, no ORM objects needed.
        writes.later(
            session,
            statements.INSERT_HISTORY,
            [
                {
                    "instance_id": instance.id,
                    "tenant_id": tenant_id,
                    "case_id": case_id,
                    "task_id": item.task_id,
                    "bpmn_id": item.bpmn_id,
                    "name": item.name,
                    "kind": item.task_type,
                    "state": item.state.lower(),
                    "lane": item.lane,
                    "at": item.finished_at,
                    "user_id": user.id if (user and item.data is not None) else None,
                    "data": item.data,
                }
                for item in result.finished
            ],
        )
    if insight is not None and insight.rows:
        writes.later(session, insight_steps.INSERT, insight.rows)

    ready_ids = {t.task_id for t in result.ready}
    ready_rows = [row for row in open_rows if row["id"] in ready_ids]
    gone = [row["id"] for row in open_rows if row["id"] not in ready_ids]
    completed = None
    if completed_task in gone:
        done = {"status": COMPLETED, "completed_at": now, "completed_by_id": user.id if user else None}
        writes.later(
            session,
            statements.TASK_DONE,
            params={"done_id": completed_task, "done_at": now, "done_by": done["completed_by_id"]},
        )
        completed = {**next(r for r in open_rows if r["id"] == completed_task), **done}
        gone.remove(completed_task)
        metrics.task_completed(session, instance.process_id)
    if gone:
        writes.later(session, statements.TASKS_CANCELLED, params={"cancelled_ids": gone, "cancelled_at": now})
    known = {row["id"] for row in open_rows}
    new_rows = [
        {
            "id": task.task_id,
            "instance_id": instance.id,
            "case_id": case_id,
            "tenant_id": owner,
            "municipality_id": case.municipality_id if case else None,
            "team_id": case.team_id if case else None,
            "bpmn_id": task.bpmn_id,
            "process_id": instance.process_id,
            "name": task.name or task.bpmn_id,
            "form_key": task.form_key,
            "lane": task.lane,
            "role": role_for_lane(task.lane),
            "status": READY,
            "assignee_id": None,
            "created_at": now,
            "due_at": task.due_at,
            "completed_at": None,
            "completed_by_id": None,
        }
        for task in result.ready
        if task.task_id not in known
    ]
    if new_rows:
        writes.later(session, statements.INSERT_TASKS, new_rows)
    if has_timers or has_timers is None or result.timers:
        timers.sync(
            session,
            instance_id=instance.id,
            waiting=result.timers,
            now=now,
            fired_by=fired_by,
            tenant_id=instance.tenant_id,
            known=None if has_timers is None else has_timers,
        )
    for hook in hooks:
        hook(session, instance, case, result, now)
    return Recorded(ready_rows + new_rows, completed)


def _tenant_of(session: Session, instance: ProcessInstance, user: Actor | None) -> int:
    """The tenant of a case-less instance: the acting user's, or (timers) its starter's."""
    if user is not None:
        return user.tenant_id
    tenant_id = session.scalar(select(User.tenant_id).where(User.id == instance.started_by_id))
    assert tenant_id is not None  # case-less instances (test runs) are started by a user
    return tenant_id


def stop_case_instances(session: Session, case: Case, *, exclude: int | None = None) -> int:
    """Stop every other running instance of the case, whatever its process: the one way a case's
    processes end from outside (the lifecycle ended: closure, refused or withdrawn consent; the
    personal data deleted).

    Open tasks are cancelled and waiting timers removed; the process's stop hooks
    (engine/hooks.py) run for each, so the follow-up row says so.
    """
    hooks = installed()
    now = utcnow()
    running = session.scalars(
        select(ProcessInstance)
        .where(
            ProcessInstance.case_id == case.id,
            ProcessInstance.status == RUNNING,
            ProcessInstance.id != (exclude or 0),
        )
        .with_for_update()
    ).all()
    for instance in running:
        stop_instance(session, instance, now=now, hooks=hooks)
    return len(running)


def stop_instance(
    session: Session, instance: ProcessInstance, *, now: datetime, hooks: StepHooks | None = None
) -> None:
    """Stop one running instance (locked by the caller): its open tasks are cancelled, its timers
    removed, and its process's stop hooks run (engine/hooks.py)."""
    instance.status, instance.updated_at = CANCELLED, now
    session.execute(
        update(TaskRecord)
        .where(TaskRecord.instance_id == instance.id, TaskRecord.status == READY)
        .values(status=CANCELLED, completed_at=now)
        .execution_options(synchronize_session=False)
    )
    timers.sync(session, instance_id=instance.id, waiting=[], now=now)
    for hook in (hooks or installed()).stopped(instance.process_id):
        hook(session, instance, now)
