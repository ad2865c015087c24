"""What a task completion reads before the engine runs, in one statement.

The task, its instance and its case (task and instance locked, so a take-over and a completion
happen one after the other), the instance's other open tasks (the task projection's diff needs them),
the current version of the task's form for its tenant, and whether the task has a draft and the
instance timer rows: without them the completion sends no draft DELETE and no timer read. On
PostgreSQL each of those was a round trip of its own (docs/performance.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import BindParameter, Select, and_, bindparam, exists, inspect, or_, select
from sqlalchemy.orm import Session

from ..cases.models import Case
from ..instances.models import ProcessInstance
from ..processes.models import FormVersion
from ..processes.scope import current_id_query
from ..timers.models import Timer
from .models import READY, TaskDraft, TaskRecord


@dataclass
class ForCompletion:
    """The completion's reading of one task."""

    row: TaskRecord
    instance: ProcessInstance
    case: Case | None
    open_rows: list[dict]  # the instance's ready task rows, as the task table's columns
    form_id: int | None  # the current version of the task's form for the tenant (None: not deployed)
    has_draft: bool
    has_timers: bool


def read(session: Session, task_id: str, tenant_id: int) -> ForCompletion | None:
    """The task ``task_id`` with what its completion needs; None when there is no such task."""
    rows = session.execute(_statement(), {"task_id": task_id, "tenant_id": tenant_id}).all()
    found = next((r for r in rows if r[0].id == task_id), None)
    if found is None:
        return None
    row, instance, case, form, draft, timers = found
    return ForCompletion(
        row=row,
        instance=instance,
        case=case,
        open_rows=[_columns(r[0]) for r in rows if r[0].status == READY],
        form_id=form,
        has_draft=bool(draft),
        has_timers=bool(timers),
    )


@cache
def _statement() -> Select:
    """Built once: a statement object carries its cache key (SQLAlchemy memoizes it), so executing the
    same object again skips building it and its key, which cost a completion about 8 % of its time."""
    t = TaskRecord
    task_id: BindParameter[str] = bindparam("task_id")
    tenant_id: BindParameter[int] = bindparam("tenant_id")
    form_id = current_id_query(FormVersion, t.form_key, tenant_id).correlate(t).scalar_subquery()
    has_draft = exists().where(TaskDraft.task_id == task_id)
    has_timers = exists().where(Timer.instance_id == ProcessInstance.id).correlate(ProcessInstance)
    return (
        select(t, ProcessInstance, Case, form_id, has_draft, has_timers)
        .join(ProcessInstance, ProcessInstance.id == t.instance_id)
        .outerjoin(Case, Case.id == t.case_id)
        .where(
            or_(
                t.id == task_id,
                and_(
                    t.instance_id == select(t.instance_id).where(t.id == task_id).scalar_subquery(),
                    t.status == READY,
                ),
            )
        )
        .with_for_update(of=[ProcessInstance, t])
    )


def _columns(task: TaskRecord) -> dict:
    return {name: getattr(task, key) for name, key in _names()}


@cache
def _names() -> tuple[tuple[str, str], ...]:
    """The task table's column names with their attributes on ``TaskRecord``."""
    return tuple((attr.columns[0].name, attr.key) for attr in inspect(TaskRecord).column_attrs)
