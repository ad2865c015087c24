"""Timers: kept in step with instance state, claimed with a lease, fired exactly once.

- ``sync`` runs inside every step's transaction (instances/service.record_step), so the
  table always matches the stored state: new waits are inserted, fired ones deleted, a
  cycle's row moves to its next due time.
- ``claim`` leases due rows to one scheduler (atomically: BEGIN IMMEDIATE on SQLite,
  FOR UPDATE SKIP LOCKED elsewhere); an expired lease can be claimed again.
- ``fire`` loads the instance, lets the engine fire what is due on the clock and saves
  it, all in one transaction that also re-checks the lease: a timer fires once or not
  at all. A failure is retried with backoff, then becomes an incident for admins.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import and_, delete, event, func, or_, select, update
from sqlalchemy.orm import Session

from .. import metrics
from .. import workflow as wf
from ..clock import utcnow
from ..db import begin_write
from ..errors import Forbidden, NotFound
from .models import INCIDENT, WAITING, Timer

log = logging.getLogger("kim.timers")
NEXT_DUE = "kim_next_due"
_listeners: list[Callable[[datetime], None]] = []


@dataclass(frozen=True)
class TimerPolicy:
    """How the scheduler leases and retries (settings: KIM_TIMER_*)."""

    lease_seconds: float = 60.0
    retry_seconds: float = 30.0
    max_attempts: int = 5
    batch: int = 200


def on_new_due(callback: Callable[[datetime], None]) -> None:
    """Call ``callback(due)`` after a commit that wrote a timer due at ``due``."""
    _listeners.append(callback)


def remove_listener(callback: Callable[[datetime], None]) -> None:
    if callback in _listeners:
        _listeners.remove(callback)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    due = session.info.pop(NEXT_DUE, None)
    if due is not None:
        for callback in list(_listeners):
            callback(due)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(NEXT_DUE, None)


def _remember_due(session: Session, due: datetime) -> None:
    known = session.info.get(NEXT_DUE)
    if known is None or due < known:
        session.info[NEXT_DUE] = due


def sync(session: Session, *, instance_id: int, waiting: list[wf.WaitingTimer], now: datetime,
         fired_by: str | None = None) -> None:
    """Make the instance's timer rows match what its state waits on (same transaction)."""
    table = Timer.__table__
    rows = session.execute(select(table.c.id, table.c.task_id, table.c.scheduled_for,
                                  table.c.remaining, table.c.lease_owner)
                           .where(table.c.instance_id == instance_id)).all()
    existing = {row.task_id: row for row in rows}
    wanted = {t.task_id: t for t in waiting}
    gone = [row.id for row in rows if row.task_id not in wanted]
    if gone:
        session.execute(delete(Timer).where(Timer.id.in_(gone)))
    new_rows = []
    for task_id, timer in wanted.items():
        row = existing.get(task_id)
        if row is None:
            new_rows.append({
                "instance_id": instance_id, "task_id": task_id, "bpmn_id": timer.bpmn_id,
                "name": timer.name, "kind": timer.kind, "scheduled_for": timer.due_at,
                "due_at": timer.due_at, "remaining": timer.remaining, "status": WAITING,
                "attempts": 0, "lease_owner": None, "lease_until": None, "last_error": None,
                "created_at": now})
            _remember_due(session, timer.due_at)
        elif row.scheduled_for != timer.due_at or row.remaining != timer.remaining:
            # A cycle moved on (or a wait was re-armed): a fresh timer, fresh attempts.
            session.execute(update(Timer).where(Timer.id == row.id).values(
                scheduled_for=timer.due_at, due_at=timer.due_at, remaining=timer.remaining,
                status=WAITING, attempts=0, lease_owner=None, lease_until=None, last_error=None))
            _remember_due(session, timer.due_at)
        elif fired_by is not None and row.lease_owner == fired_by:
            # Fired but not due on this clock after all: release it for later.
            session.execute(update(Timer).where(Timer.id == row.id).values(
                lease_owner=None, lease_until=None))
    if new_rows:
        session.execute(table.insert(), new_rows)


def next_due(session: Session) -> datetime | None:
    """The earliest time any waiting timer needs attention (leased rows: when the lease ends)."""
    free = session.execute(select(func.min(Timer.due_at)).where(
        Timer.status == WAITING, Timer.lease_owner.is_(None))).scalar()
    leased = session.execute(select(func.min(Timer.lease_until)).where(
        Timer.status == WAITING, Timer.lease_until.is_not(None))).scalar()
    candidates = [d for d in (free, leased) if d is not None]
    return min(candidates) if candidates else None


def claim(session: Session, *, owner: str, policy: TimerPolicy, now: datetime | None = None) -> list[int]:
    """Lease up to ``policy.batch`` due timers to ``owner``; returns their ids (committed)."""
    now = now or utcnow()
    begin_write(session)
    ids = list(session.execute(
        select(Timer.id).where(
            Timer.status == WAITING, Timer.due_at <= now,
            or_(Timer.lease_owner.is_(None), Timer.lease_until < now))
        .order_by(Timer.due_at).limit(policy.batch)
        .with_for_update(skip_locked=True)).scalars())
    if ids:
        session.execute(update(Timer).where(Timer.id.in_(ids)).values(
            lease_owner=owner, lease_until=now + timedelta(seconds=policy.lease_seconds))
            .execution_options(synchronize_session=False))
    session.commit()
    return ids


@dataclass(frozen=True)
class FireOutcome:
    timer_id: int
    status: str  # fired | skipped | retry | incident
    detail: str | None = None


def fire(session: Session, *, timer_id: int, owner: str, policy: TimerPolicy) -> FireOutcome:
    """Fire one leased timer in one transaction; on failure record a retry or an incident."""
    from ..cases.models import Case
    from ..instances.models import RUNNING, ProcessInstance
    from ..instances.service import record_step
    from ..processes.service import parsed_version

    now = utcnow()
    begin_write(session)
    found = session.execute(
        select(Timer, ProcessInstance, Case)
        .join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
        .outerjoin(Case, Case.id == ProcessInstance.case_id)
        .where(Timer.id == timer_id, Timer.lease_owner == owner, Timer.status == WAITING)
        .with_for_update(of=[Timer, ProcessInstance])).first()
    if found is None:  # fired by someone else after our lease ran out, or gone
        session.rollback()
        return FireOutcome(timer_id, "skipped")
    timer, instance, case = found
    if instance.status != RUNNING:
        session.execute(delete(Timer).where(Timer.id == timer_id))
        session.commit()
        return FireOutcome(timer_id, "skipped", "instance not running")
    try:
        proc = parsed_version(session, instance.process_version_id)
        result = wf.fire_timers(proc, instance.state)
        record_step(session, instance=instance, case=case, result=result, user=None,
                    completed_task=None, fired_by=owner)
        session.commit()
    except Exception as exc:  # noqa: BLE001 - any failure becomes a retry, never a lost timer
        session.rollback()
        message = str(exc)[:500] or type(exc).__name__
        return _record_failure(session, timer_id=timer_id, owner=owner, policy=policy, error=message)
    late = (now - timer.scheduled_for).total_seconds()
    metrics.timer_fired(late)
    log.info("timer fired", extra={"timer_id": timer_id, "instance_id": instance.id,
                                   "bpmn_id": timer.bpmn_id, "late_seconds": round(late, 3)})
    return FireOutcome(timer_id, "fired")


def _record_failure(session: Session, *, timer_id: int, owner: str, policy: TimerPolicy,
                    error: str) -> FireOutcome:
    now = utcnow()
    begin_write(session)
    row = session.execute(select(Timer).where(Timer.id == timer_id, Timer.lease_owner == owner)
                          .with_for_update()).scalar_one_or_none()
    if row is None:
        session.rollback()
        return FireOutcome(timer_id, "skipped")
    attempts = row.attempts + 1
    incident = attempts >= policy.max_attempts
    row.attempts = attempts
    row.last_error = error
    row.lease_owner = row.lease_until = None
    if incident:
        row.status = INCIDENT
    else:
        row.due_at = now + timedelta(seconds=policy.retry_seconds * 2 ** (attempts - 1))
        _remember_due(session, row.due_at)
    session.commit()
    metrics.timer_failed(INCIDENT if incident else "retry")
    log.warning("timer failed", extra={"timer_id": timer_id, "attempts": attempts,
                                       "incident": incident, "error": error})
    return FireOutcome(timer_id, INCIDENT if incident else "retry", error)


def run_due(session_factory, *, owner: str, policy: TimerPolicy,
            should_stop: Callable[[], bool] = lambda: False) -> list[FireOutcome]:
    """Claim and fire batches until nothing is due. Used by the scheduler and the CLI."""
    outcomes: list[FireOutcome] = []
    while not should_stop():
        with session_factory() as session:
            ids = claim(session, owner=owner, policy=policy)
        if not ids:
            break
        for timer_id in ids:
            if should_stop():
                break
            with session_factory() as session:
                outcomes.append(fire(session, timer_id=timer_id, owner=owner, policy=policy))
    return outcomes


def _require_admin(user) -> None:
    if user.role != "admin":
        raise Forbidden("Störungen der Zeitsteuerung sehen nur Administratorinnen und Administratoren.")


def incidents(session: Session, *, user) -> list[Timer]:
    """Timers that failed too often, newest first (the admin's list)."""
    _require_admin(user)
    return list(session.execute(select(Timer).where(Timer.status == INCIDENT)
                                .order_by(Timer.scheduled_for.desc())).scalars())


def retry_incident(session: Session, *, user, timer_id: int) -> Timer:
    """Put an incident back into the queue, due now, with fresh attempts."""
    _require_admin(user)
    begin_write(session)
    row = session.execute(select(Timer).where(and_(Timer.id == timer_id, Timer.status == INCIDENT))
                          .with_for_update()).scalar_one_or_none()
    if row is None:
        raise NotFound("Diese Störung gibt es nicht (mehr).")
    now = utcnow()
    row.status, row.attempts, row.due_at = WAITING, 0, now
    row.lease_owner = row.lease_until = None
    _remember_due(session, now)
    return row
