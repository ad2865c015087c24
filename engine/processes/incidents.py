"""Process incidents: a process model that failed at run time, told to the process owners.

A task completion or a timer whose evaluation went over its budget (engine/workflow/budget.py), hit
a run-time bound (a computed multi-instance count or timer cycle) or failed otherwise is rolled
back; then, in a unit of work of its own, ``record`` leaves an incident naming the process, the
element and the cause (never case data), and the metrics count it (``kim_process_incidents_total``
by process and kind). Process owners of the tenant see them (``for_owner``; GET
/api/v1/processes/incidents and the modeler page).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .. import workflow as wf
from ..access.actor import Actor
from ..clock import utcnow
from ..db import begin_write
from ..errors import Forbidden
from .models import ProcessIncident, ProcessVersion

OWNER_ROLES = ("process_owner",)
ERROR = "error"  # the kind of a failure that is not a budget limit
MAX_LISTED = 200


@dataclass(frozen=True)
class Where:
    """Which instance failed, and how it was reached."""

    process_version_id: int
    instance_id: int | None
    tenant_id: int | None
    source: str  # task | timer
    task_id: str | None = None


def kind_of(failure: wf.EngineFailure) -> str:
    """The incident's kind: the limit that stopped the evaluation, or ``error``."""
    return failure.limit or ERROR


def record(session: Session, *, failure: wf.EngineFailure, where: Where) -> ProcessIncident:
    """Leave (or count up) the incident for this failure, in the caller's writing unit."""
    begin_write(session)
    now, kind = utcnow(), kind_of(failure)
    row = session.execute(
        select(ProcessIncident).where(
            ProcessIncident.instance_id == where.instance_id,
            ProcessIncident.element_id == failure.element_id,
        )
    ).scalar_one_or_none()
    if row is not None and where.instance_id is not None:  # the latest kind and cause (time may vary)
        row.count, row.last_at, row.kind, row.cause = row.count + 1, now, kind, failure.cause[:2000]
        return row
    version = session.get_one(ProcessVersion, where.process_version_id)
    row = ProcessIncident(
        tenant_id=where.tenant_id,
        process_id=version.process_id,
        process_version_id=version.id,
        instance_id=where.instance_id,
        source=where.source,
        task_id=where.task_id,
        element_id=(failure.element_id or "")[:100] or None,
        element_name=(failure.element_name or "")[:200] or None,
        kind=kind,
        cause=failure.cause[:2000],
        count=1,
        created_at=now,
        last_at=now,
    )
    session.add(row)
    session.flush()
    return row


def for_owner(session: Session, *, user: Actor) -> list[ProcessIncident]:
    """The incidents of the user's tenant (and those of no tenant), latest first (process owners)."""
    if user.role not in OWNER_ROLES:
        raise Forbidden("Störungen der Prozessmodelle sehen nur Prozessverantwortliche.")
    return list(
        session.execute(
            select(ProcessIncident)
            .where(or_(ProcessIncident.tenant_id == user.tenant_id, ProcessIncident.tenant_id.is_(None)))
            .order_by(ProcessIncident.last_at.desc(), ProcessIncident.id.desc())
            .limit(MAX_LISTED)
        ).scalars()
    )
