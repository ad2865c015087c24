"""What of a follow-up is due or overdue: one rule, read from the tasks projection.

The follow-up overview, the dashboard tile, the case page and the inbox all decide "due" and
"overdue" by the due dates of the follow-up's open tasks (``tasks.due_at``, set from the diagram's
``camunda:dueDate`` when a task is created): a task is overdue once its due time has passed,
exactly as the inbox says. The six-month date itself is only the day the follow-up task is created,
never a deadline.

States of a follow-up (``state``):
    overdue    an open task of it is past its due time
    due        an open task with a due time that has not passed yet
    planning   started, the job start not recorded yet (its first tasks have no due time)
    scheduled  nothing to do now; the next check-in or the follow-up waits for its date
    done       its outcome is recorded and no dated task is open
    stopped    stopped with its case before an outcome (no task open any more)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..tasks.models import READY, TaskRecord
from .models import DONE, STOPPED, FollowUp


@dataclass(frozen=True)
class OpenWork:
    """A follow-up instance's open tasks: how many, and the earliest due time with its task's name."""

    tasks: int
    next_due: datetime | None
    next_task: str | None


NOTHING_OPEN = OpenWork(0, None, None)


def open_work(session: Session, instance_ids: list[int]) -> dict[int, OpenWork]:
    """The open work of each given follow-up instance (instances without open tasks are left out)."""
    if not instance_ids:
        return {}
    counts = dict(
        session.execute(
            select(TaskRecord.instance_id, func.count())
            .where(TaskRecord.instance_id.in_(instance_ids), TaskRecord.status == READY)
            .group_by(TaskRecord.instance_id)
        )
        .tuples()
        .all()
    )
    earliest: dict[int, tuple[datetime, str]] = {}
    for instance_id, due_at, name in session.execute(
        select(TaskRecord.instance_id, TaskRecord.due_at, TaskRecord.name)
        .where(
            TaskRecord.instance_id.in_(instance_ids),
            TaskRecord.status == READY,
            TaskRecord.due_at.is_not(None),
        )
        .order_by(TaskRecord.due_at, TaskRecord.id)
    ):
        earliest.setdefault(instance_id, (due_at, name))
    out = {}
    for instance_id, tasks in counts.items():
        due, name = earliest.get(instance_id, (None, None))
        out[instance_id] = OpenWork(tasks, due, name)
    return out


def next_due_of(instance_id):
    """The earliest due time of the open tasks of the instance ``instance_id`` (a column): a correlated
    subquery for filtering in SQL, one index search (ix_tasks_instance) per follow-up in scope."""
    return (
        select(func.min(TaskRecord.due_at))
        .where(TaskRecord.instance_id == instance_id, TaskRecord.status == READY)
        .scalar_subquery()
    )


def state(row: FollowUp, work: OpenWork, now: datetime) -> str:
    """The follow-up's state by the rule above (``now`` aware UTC, as the inbox compares)."""
    if work.next_due is not None:
        return "overdue" if work.next_due < now else "due"
    if row.status == DONE:
        return "done"
    if row.status == STOPPED:
        return "stopped"
    if row.due_date is None:
        return "planning"
    return "scheduled"
