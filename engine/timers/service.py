"""Timers kept in step with instance state, inside the transaction of each step.

- ``sync`` runs inside every step's transaction (instances/service.record_step), so the
  table always matches the stored state: new waits are inserted, fired ones deleted, a
  cycle's row moves to its next due time.
- ``next_due`` tells a scheduler when to look next; ``on_new_due`` wakes it after a commit
  that wrote an earlier timer.

Firing (claiming with a lease, one unit of work per timer) is job code: engine/timers/jobs.py;
the admins' incident list: engine/timers/admin.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import cast

from sqlalchemy import Table, delete, event, func, select, update
from sqlalchemy.orm import Session

from .. import workflow as wf
from .models import WAITING, Timer

NEXT_DUE = "kim_next_due"
_listeners: list[Callable[[datetime], None]] = []


def on_new_due(callback: Callable[[datetime], None]) -> None:
    """Call ``callback(due)`` after a commit that wrote a timer due at ``due``."""
    _listeners.append(callback)


def remove_listener(callback: Callable[[datetime], None]) -> None:
    """Stop calling ``callback`` (a scheduler shutting down)."""
    if callback in _listeners:
        _listeners.remove(callback)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    due = session.info.pop(NEXT_DUE, None)
    if due is not None:
        for callback in _listeners:
            callback(due)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(NEXT_DUE, None)


def remember_due(session: Session, due: datetime) -> None:
    """Tell the schedulers about ``due`` once this transaction commits."""
    known = session.info.get(NEXT_DUE)
    if known is None or due < known:
        session.info[NEXT_DUE] = due


def sync(
    session: Session,
    *,
    instance_id: int,
    waiting: list[wf.WaitingTimer],
    now: datetime,
    fired_by: str | None = None,
    tenant_id: int | None = None,
    known: bool | None = None,
) -> None:
    """Make the instance's timer rows match what its state waits on (same transaction); new rows
    carry the instance's tenant (``tenant_id``, needed when the state waits on a timer).
    ``known=False``: the caller knows the instance has no timer rows (no read needed)."""
    table = cast(Table, Timer.__table__)
    rows = (
        []
        if known is False
        else session.execute(
            select(
                table.c.id, table.c.task_id, table.c.scheduled_for, table.c.remaining, table.c.lease_owner
            ).where(table.c.instance_id == instance_id)
        ).all()
    )
    existing = {row.task_id: row for row in rows}
    wanted = {t.task_id: t for t in waiting}
    gone = [row.id for row in rows if row.task_id not in wanted]
    if gone:
        session.execute(delete(Timer).where(Timer.id.in_(gone)))
    new_rows = []
    for task_id, timer in wanted.items():
        row = existing.get(task_id)
        if row is None:
            new_rows.append(
                {
                    "instance_id": instance_id,
                    "tenant_id": tenant_id,
                    "task_id": task_id,
                    "bpmn_id": timer.bpmn_id,
                    "name": timer.name,
                    "kind": timer.kind,
                    "scheduled_for": timer.due_at,
                    "due_at": timer.due_at,
                    "remaining": timer.remaining,
                    "status": WAITING,
                    "attempts": 0,
                    "lease_owner": None,
                    "lease_until": None,
                    "last_error": None,
                    "created_at": now,
                }
            )
            remember_due(session, timer.due_at)
        elif row.scheduled_for != timer.due_at or row.remaining != timer.remaining:
            # A cycle moved on (or a wait was re-armed): a fresh timer, fresh attempts.
            session.execute(
                update(Timer)
                .where(Timer.id == row.id)
                .values(
                    scheduled_for=timer.due_at,
                    due_at=timer.due_at,
                    remaining=timer.remaining,
                    status=WAITING,
                    attempts=0,
                    lease_owner=None,
                    lease_until=None,
                    last_error=None,
                )
            )
            remember_due(session, timer.due_at)
        elif fired_by is not None and row.lease_owner == fired_by:
            # Fired but not due on this clock after all: release it for later.
            session.execute(
                update(Timer).where(Timer.id == row.id).values(lease_owner=None, lease_until=None)
            )
    if new_rows:
        session.execute(table.insert(), new_rows)


def next_due(session: Session) -> datetime | None:
    """The earliest time any waiting timer needs attention (leased rows: when the lease ends)."""
    free = session.execute(
        select(func.min(Timer.due_at)).where(Timer.status == WAITING, Timer.lease_owner.is_(None))
    ).scalar()
    leased = session.execute(
        select(func.min(Timer.lease_until)).where(Timer.status == WAITING, Timer.lease_until.is_not(None))
    ).scalar()
    candidates = [d for d in (free, leased) if d is not None]
    return min(candidates) if candidates else None
