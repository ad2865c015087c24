"""Test runs: process owners start a deployed version outside any case and work through it.

A test run is a process instance without a case, started by a process owner
(``started_by_id``). Its tasks live in the same task projection as case tasks (no
municipality, no team, the owner's tenant) and are completed through the same API; only
process owners of the run's tenant see and complete them, whatever the lane.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, aliased

from .. import workflow as wf
from ..access.actor import Actor
from ..access.models import User
from ..audit.service import Event, record
from ..db import begin_write
from ..errors import InvalidInput, ProcessFailure
from ..instances.models import ProcessInstance
from ..instances.service import create_instance
from ..tasks.models import READY, TaskRecord
from .models import ProcessVersion
from .service import current_version, parsed_version
from .versions import DEPLOYED, get_version, require_process_owner

RUN_ROLE = "process_owner"


def run_condition():
    """SQL: the ProcessInstance row is a test run (no case, started by a process owner).

    Other case-less instances (escalation topics) are started by case managers or coordinators.
    """
    runner = aliased(User)
    return and_(
        ProcessInstance.case_id.is_(None),
        ProcessInstance.started_by_id.is_not(None),
        exists().where(runner.id == ProcessInstance.started_by_id, runner.role == RUN_ROLE),
    )


def is_run(session: Session, instance: ProcessInstance) -> bool:
    """Whether a loaded instance is a test run."""
    if instance.case_id is not None or instance.started_by_id is None:
        return False
    return session.scalar(select(User.role).where(User.id == instance.started_by_id)) == RUN_ROLE


def runnable_version(
    session: Session, process_id: str, version: int | None, tenant_id: int
) -> ProcessVersion:
    """A deployed version the tenant sees (its current one by default); drafts and refused versions
    never run."""
    if version is None:
        get_version(session, process_id, tenant_id=tenant_id)  # 404 for a process the tenant cannot see
        row = current_version(session, process_id, required=False, tenant_id=tenant_id)
        if row is None:
            raise InvalidInput(
                "Dieser Prozess hat keine bereitgestellte Version.",
                kind="version-not-runnable",
                errors={"version": ["Keine bereitgestellte Version."]},
            )
        return row
    row = get_version(session, process_id, version, tenant_id=tenant_id)
    if row.status != DEPLOYED or not row.deployable:
        raise InvalidInput(
            f"Version {row.version} ist nicht bereitgestellt (Entwurf oder nicht bereitstellbar) "
            "und kann nicht ausgeführt werden.",
            kind="version-not-runnable",
            errors={"version": ["Nur bereitgestellte Versionen können ausgeführt werden."]},
            problems=row.problems or [],
        )
    return row


def parsed_runnable(session: Session, row: ProcessVersion) -> wf.ParsedProcess:
    """The parsed specs of a runnable version (parsing checks every expression once more)."""
    try:
        return parsed_version(session, row.id)
    except wf.DiagramError as exc:
        raise InvalidInput(
            "Diese Version kann nicht ausgeführt werden.",
            kind="version-not-runnable",
            problems=[p.as_dict() for p in exc.problems],
        ) from None


def start_run(
    session: Session, *, user: Actor, process_id: str, version: int | None = None
) -> tuple[ProcessInstance, ProcessVersion, list[dict]]:
    """Start a test run of a deployed version; (instance, version, first tasks)."""
    require_process_owner(user)
    begin_write(session)
    row = runnable_version(session, process_id, version, user.tenant_id)
    proc = parsed_runnable(session, row)
    try:
        result = wf.start(proc)
    except wf.EngineFailure as exc:
        raise ProcessFailure(
            "Der Testlauf konnte nicht gestartet werden; nichts wurde gespeichert.", element_id=exc.element_id
        ) from None
    instance, ready = create_instance(
        session,
        case=None,
        version_id=row.id,
        process_id=row.process_id,
        result=result,
        user=user,
        started_by_id=user.id,
    )
    record(
        session,
        user,
        Event(
            "run.start",
            "process_instance",
            instance.id,
            detail={"process_id": row.process_id, "version": row.version},
        ),
    )
    return instance, row, ready


def list_runs(session: Session, *, user: Actor, process_id: str) -> list[dict]:
    """The test runs of a process in the user's tenant, newest first, with their open tasks."""
    require_process_owner(user)
    get_version(session, process_id, tenant_id=user.tenant_id)  # 404 for an unknown process
    rows = session.execute(
        select(ProcessInstance, ProcessVersion.version, User.username)
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
        .join(User, User.id == ProcessInstance.started_by_id)
        .where(ProcessInstance.process_id == process_id, run_condition(), User.tenant_id == user.tenant_id)
        .order_by(ProcessInstance.id.desc())
        .limit(200)
    ).all()
    ids = [instance.id for instance, _, _ in rows]
    open_tasks: dict[int, list[TaskRecord]] = {i: [] for i in ids}
    if ids:
        for task in session.scalars(
            select(TaskRecord)
            .where(TaskRecord.instance_id.in_(ids), TaskRecord.status == READY)
            .order_by(TaskRecord.created_at, TaskRecord.id)
        ):
            open_tasks[task.instance_id].append(task)
    return [
        {
            "id": instance.id,
            "process_id": instance.process_id,
            "version": number,
            "status": instance.status,
            "started_at": instance.created_at,
            "updated_at": instance.updated_at,
            "started_by": username,
            "open_tasks": open_tasks[instance.id],
        }
        for instance, number, username in rows
    ]
