"""Timer incidents for admins: the list of timers that failed too often, and putting one back.

Both see only the admin's tenant: a timer belongs to its instance's case, or (a case-less instance,
e.g. a test run) to the tenant of the user who started it; another tenant's timer is answered like
one that does not exist.
"""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ..access.models import User
from ..cases.models import Case
from ..clock import utcnow
from ..db import begin_write
from ..errors import Forbidden, NotFound
from ..instances.models import ProcessInstance
from .models import INCIDENT, WAITING, Timer
from .service import remember_due


def _of_tenant(tenant_id: int):
    """Timer ids of the tenant's instances (a subquery)."""
    return (
        select(Timer.id)
        .join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
        .outerjoin(Case, Case.id == ProcessInstance.case_id)
        .outerjoin(User, User.id == ProcessInstance.started_by_id)
        .where(func.coalesce(Case.tenant_id, User.tenant_id) == tenant_id)
    )


def _require_admin(user) -> None:
    if user.role != "admin":
        raise Forbidden("Störungen der Zeitsteuerung sehen nur Administratorinnen und Administratoren.")


def incidents(session: Session, *, user) -> list[Timer]:
    """Timers that failed too often, newest first (the admin's list)."""
    _require_admin(user)
    return list(
        session.execute(
            select(Timer)
            .where(Timer.status == INCIDENT, Timer.id.in_(_of_tenant(user.tenant_id)))
            .order_by(Timer.scheduled_for.desc())
        ).scalars()
    )


def retry_incident(session: Session, *, user, timer_id: int) -> Timer:
    """Put an incident back into the queue, due now, with fresh attempts."""
    _require_admin(user)
    begin_write(session)
    row = session.execute(
        select(Timer)
        .where(and_(Timer.id == timer_id, Timer.status == INCIDENT, Timer.id.in_(_of_tenant(user.tenant_id))))
        .with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("Diese Störung gibt es nicht (mehr).")
    now = utcnow()
    row.status, row.attempts, row.due_at = WAITING, 0, now
    row.lease_owner = row.lease_until = None
    remember_due(session, now)
    return row
