"""Firing timers: claim due rows with a lease, fire each in its own unit of work, exactly once.

- ``claim`` leases due rows to one scheduler (atomically: BEGIN IMMEDIATE on SQLite,
  FOR UPDATE SKIP LOCKED elsewhere); an expired lease can be claimed again.
- ``fire`` loads the instance, lets the engine fire what is due on the clock and saves
  it, all in one unit of work that also re-checks the lease: a timer fires once or not
  at all. A failure rolls that unit back and is recorded in a unit of its own: retried
  with backoff, then an incident for admins. A failure of the process model itself (an
  evaluation over its budget or a computed value out of bounds: engine/workflow/budget.py)
  would fail again on every retry: it becomes an incident at once. Every incident the process
  model caused (these, and an error in an expression once its retries are spent) is told to
  the process owners with the element and the cause (engine/processes/incidents.py). Other
  timers fire on regardless.
- ``run_due`` is the job loop the scheduler, the CLI and the demo run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from .. import metrics
from .. import workflow as wf
from ..access.models import User
from ..cases.models import Case
from ..clock import utcnow
from ..db import begin_write
from ..instances.models import RUNNING, ProcessInstance
from ..instances.service import record_step
from ..processes import incidents
from ..processes.service import parsed_version
from ..uow import unit_of_work
from .models import INCIDENT, WAITING, Timer
from .policy import TimerPolicy
from .service import remember_due

log = logging.getLogger("kim.timers")


@dataclass(frozen=True)
class FireOutcome:
    """What happened to one claimed timer."""

    timer_id: int
    status: str  # fired | skipped | retry | incident
    detail: str | None = None


def claim(session: Session, *, owner: str, policy: TimerPolicy, now: datetime | None = None) -> list[int]:
    """Lease up to ``policy.batch`` due timers to ``owner`` (in the caller's writing unit)."""
    now = now or utcnow()
    begin_write(session)
    ids = list(
        session.execute(
            select(Timer.id)
            .where(
                Timer.status == WAITING,
                Timer.due_at <= now,
                or_(Timer.lease_owner.is_(None), Timer.lease_until < now),
            )
            .order_by(Timer.due_at)
            .limit(policy.batch)
            .with_for_update(skip_locked=True)
        ).scalars()
    )
    if ids:
        session.execute(
            update(Timer)
            .where(Timer.id.in_(ids))
            .values(lease_owner=owner, lease_until=now + timedelta(seconds=policy.lease_seconds))
            .execution_options(synchronize_session=False)
        )
    return ids


def _fire_leased(session: Session, *, timer_id: int, owner: str) -> tuple[FireOutcome, dict | None]:
    """Fire one timer leased to ``owner`` (in the caller's unit); the outcome and what to log."""
    begin_write(session)
    found = session.execute(
        select(Timer, ProcessInstance, Case)
        .join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
        .outerjoin(Case, Case.id == ProcessInstance.case_id)
        .where(Timer.id == timer_id, Timer.lease_owner == owner, Timer.status == WAITING)
        .with_for_update(of=[Timer, ProcessInstance])
    ).first()
    if found is None:  # fired by someone else after our lease ran out, or gone
        return FireOutcome(timer_id, "skipped"), None
    timer, instance, case = found
    if instance.status != RUNNING:
        session.execute(delete(Timer).where(Timer.id == timer_id))
        return FireOutcome(timer_id, "skipped", "instance not running"), None
    proc = parsed_version(session, instance.process_version_id)
    result = wf.fire_timers(proc, instance.state)
    record_step(
        session, instance=instance, case=case, result=result, user=None, completed_task=None, fired_by=owner
    )
    return FireOutcome(timer_id, "fired"), {
        "timer_id": timer_id,
        "instance_id": instance.id,
        "bpmn_id": timer.bpmn_id,
        "scheduled_for": timer.scheduled_for,
    }


def fire(
    sessions, *, timer_id: int, owner: str, policy: TimerPolicy, tenant_id: int | None = None
) -> FireOutcome:
    """Fire one leased timer in its own unit of work; on failure record a retry or an incident.

    The unit acts for the timer's tenant (``tenant_id``; looked up when not given)."""
    started = utcnow()
    if tenant_id is None:
        tenant_id = _tenants(sessions, [timer_id]).get(timer_id)
    try:
        with unit_of_work(sessions, tenant=tenant_id) as session:
            outcome, fired = _fire_leased(session, timer_id=timer_id, owner=owner)
    except Exception as exc:  # noqa: BLE001 - any failure becomes a retry, never a lost timer
        failure = exc if isinstance(exc, wf.EngineFailure) else None
        message = str(exc)[:500] or type(exc).__name__
        with unit_of_work(sessions, tenant=tenant_id) as session:
            outcome, attempts = _record_failure(
                session, timer_id=timer_id, owner=owner, policy=policy, error=message, failure=failure
            )
        if outcome.status != "skipped":
            metrics.timer_failed(outcome.status)
            log.warning(
                "timer failed",
                extra={
                    "timer_id": timer_id,
                    "attempts": attempts,
                    "incident": outcome.status == INCIDENT,
                    "error": message,
                },
            )
        return outcome
    if fired is not None:
        late = (started - fired.pop("scheduled_for")).total_seconds()
        metrics.timer_fired(late)
        log.info("timer fired", extra={**fired, "late_seconds": round(late, 3)})
    return outcome


def _record_failure(
    session: Session,
    *,
    timer_id: int,
    owner: str,
    policy: TimerPolicy,
    error: str,
    failure: wf.EngineFailure | None = None,
) -> tuple[FireOutcome, int]:
    begin_write(session)
    row = session.execute(
        select(Timer).where(Timer.id == timer_id, Timer.lease_owner == owner).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        return FireOutcome(timer_id, "skipped"), 0
    attempts = row.attempts + 1
    # A budget or bound (failure.limit) fails the same way every time: no retries.
    incident = attempts >= policy.max_attempts or (failure is not None and failure.limit is not None)
    if incident and failure is not None:
        _tell_owners(session, row, failure)
    row.attempts = attempts
    row.last_error = error
    row.lease_owner = row.lease_until = None
    if incident:
        row.status = INCIDENT
    else:
        row.due_at = utcnow() + timedelta(seconds=policy.retry_seconds * 2 ** (attempts - 1))
        remember_due(session, row.due_at)
    return FireOutcome(timer_id, INCIDENT if incident else "retry", error), attempts


def _tell_owners(session: Session, timer: Timer, failure: wf.EngineFailure) -> None:
    """The process owners' incident for a timer the process model broke (and its count)."""
    instance = session.get_one(ProcessInstance, timer.instance_id)
    if instance.case_id is not None:
        tenant_id: int | None = session.get_one(Case, instance.case_id).tenant_id
    else:
        starter = session.get(User, instance.started_by_id) if instance.started_by_id else None
        tenant_id = starter.tenant_id if starter else None
    incident = incidents.record(
        session,
        failure=failure,
        where=incidents.Where(instance.process_version_id, instance.id, tenant_id, "timer"),
    )
    metrics.process_incident(session, incident.process_id, incident.kind)


def _tenants(sessions, ids: list[int]) -> dict[int, int]:
    """The tenant of each timer (read in all-tenant scope, before each fires in its tenant's)."""
    with unit_of_work(sessions, write=False) as session:
        return _tenants_in(session, ids)


def _tenants_in(session: Session, ids: list[int]) -> dict[int, int]:
    return dict(session.execute(select(Timer.id, Timer.tenant_id).where(Timer.id.in_(ids))).tuples().all())


def run_due(
    sessions, *, owner: str, policy: TimerPolicy, should_stop: Callable[[], bool] = lambda: False
) -> list[FireOutcome]:
    """Claim and fire batches until nothing is due: one unit of work per claim and per timer."""
    outcomes: list[FireOutcome] = []
    while not should_stop():
        with unit_of_work(sessions) as session:
            ids = claim(session, owner=owner, policy=policy)
            tenants = _tenants_in(session, ids) if ids else {}
        if not ids:
            break
        for timer_id in ids:
            if should_stop():
                break
            tenant = tenants.get(timer_id)
            outcomes.append(fire(sessions, timer_id=timer_id, owner=owner, policy=policy, tenant_id=tenant))
    return outcomes
