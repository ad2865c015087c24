"""Moving running cases to another deployed version of their process.

A dry run lists, per running case instance of the user's tenant, whether it can move and
why not. The migration moves every movable instance in its own savepoint: a case that
fails is rolled back alone, reported, and the others go on. Each moved case is audited.
"""

from __future__ import annotations

import logging
from typing import Any

from jsonschema import Draft202012Validator
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from .. import workflow as wf
from ..access.actor import Actor
from ..audit.service import Event, case_event, record
from ..cases.models import Case
from ..db import begin_write
from ..errors import InvalidInput, KimError
from ..insight import steps as insight_steps
from ..instances.models import RUNNING, ProcessInstance
from ..instances.service import record_step, role_for_lane
from ..tasks.models import READY, TaskRecord
from ..timers.models import Timer
from .models import FormVersion, ProcessVersion
from .runs import parsed_runnable, runnable_version
from .scope import current_row
from .service import parsed_version
from .versions import get_version, require_process_owner

log = logging.getLogger("kim.migration")
MOVABLE, BLOCKED, MIGRATED, FAILED = "movable", "blocked", "migrated", "failed"


def _reason(
    message: str, message_de: str, element_id: str | None = None, element_name: str | None = None
) -> dict[str, Any]:
    return {
        "element_id": element_id,
        "element_name": element_name,
        "message": message,
        "message_de": message_de,
    }


class _Forms:
    """Current form schemas by key, with a validator that ignores missing fields."""

    def __init__(self, session: Session, tenant_id: int):
        self.session = session
        self.tenant_id = tenant_id
        self.cache: dict[str, tuple[dict, Draft202012Validator] | None] = {}

    def get(self, key: str):
        if key not in self.cache:
            form = current_row(self.session, FormVersion, key, self.tenant_id)
            self.cache[key] = (
                None
                if form is None
                else (
                    form.schema,
                    Draft202012Validator(form.schema, format_checker=Draft202012Validator.FORMAT_CHECKER),
                )
            )
        return self.cache[key]


def _data_problems(forms: _Forms, open_tasks: list[wf.OpenTask]) -> list[dict]:
    """The process data an open task shows in its form must still fit that form in the new version.

    Only fields the data has are checked (an open task's own fields are not filled yet); the
    reasons name fields, never values.
    """
    out = []
    for task in open_tasks:
        if task.form_key is None:
            continue
        label = task.name or task.bpmn_id
        found = forms.get(task.form_key)
        if found is None:
            out.append(
                _reason(
                    f"The form '{task.form_key}' of '{label}' is not deployed.",
                    f"Das Formular „{task.form_key}“ der Aufgabe „{label}“ ist nicht bereitgestellt.",
                    task.bpmn_id,
                    task.name,
                )
            )
            continue
        schema, validator = found
        known = schema.get("properties") or {}
        present = {k: v for k, v in task.data.items() if k in known}
        fields = sorted(
            {
                ".".join(str(p) for p in e.absolute_path) or "_form"
                for e in validator.iter_errors(present)
                if e.validator != "required"
            }
        )
        if fields:
            names = ", ".join(fields[:10])
            out.append(
                _reason(
                    f"The data of the open task '{label}' does not fit its form '{task.form_key}' in the new "
                    "version "
                    f"(fields: {names}).",
                    f"Die vorhandenen Daten passen nicht zum Formular „{task.form_key}“ der offenen Aufgabe "
                    f"„{label}“ "
                    f"in der neuen Version (Felder: {names}).",
                    task.bpmn_id,
                    task.name,
                )
            )
    return out


def _instances(
    session: Session,
    user: Actor,
    process_id: str,
    target: ProcessVersion,
    source: ProcessVersion | None,
    lock: bool,
):
    cond = [
        ProcessInstance.process_id == process_id,
        ProcessInstance.status == RUNNING,
        ProcessInstance.process_version_id != target.id,
        Case.tenant_id == user.tenant_id,
    ]
    if source is not None:
        cond.append(ProcessInstance.process_version_id == source.id)
    query = (
        select(ProcessInstance, Case, ProcessVersion.version)
        .join(Case, Case.id == ProcessInstance.case_id)
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
        .where(*cond)
        .order_by(ProcessInstance.id)
    )
    return session.execute(query.with_for_update(of=ProcessInstance) if lock else query).all()


def _move(
    session: Session,
    user: Actor,
    instance: ProcessInstance,
    case: Case,
    old,
    new,
    target: ProcessVersion,
    from_version: int,
) -> None:
    """Move one instance (the caller holds a savepoint): state, version, task projection, timers."""
    result = wf.migrate_instance(old, new, instance.state)
    record_step(session, instance=instance, case=case, result=result, user=user, completed_task=None)
    session.execute(
        update(ProcessInstance)
        .where(ProcessInstance.id == instance.id)
        .values(process_version_id=target.id)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(instance, "process_version_id", target.id)
    insight_steps.rebuild(session, instance=instance, tenant_id=case.tenant_id, case=case)
    for task in result.ready:  # the same tasks, now as the new version names and routes them
        session.execute(
            update(TaskRecord)
            .where(TaskRecord.id == task.task_id, TaskRecord.status == READY)
            .values(
                bpmn_id=task.bpmn_id,
                name=task.name or task.bpmn_id,
                form_key=task.form_key,
                lane=task.lane,
                role=role_for_lane(task.lane),
            )
            .execution_options(synchronize_session=False)
        )
    for timer in result.timers:  # due times are kept; only names may have changed
        session.execute(
            update(Timer)
            .where(Timer.instance_id == instance.id, Timer.task_id == timer.task_id)
            .values(bpmn_id=timer.bpmn_id, name=timer.name)
            .execution_options(synchronize_session=False)
        )
    record(
        session,
        user,
        case_event(
            "process.migrate",
            case,
            detail={
                "instance_id": instance.id,
                "process_id": target.process_id,
                "from_version": from_version,
                "to_version": target.version,
            },
        ),
    )


def migrate_cases(
    session: Session,
    *,
    user: Actor,
    process_id: str,
    to_version: int,
    from_version: int | None = None,
    dry_run: bool = True,
) -> dict[str, Any]:
    """Check (dry run) or move the running cases of a process to a deployed version."""
    require_process_owner(user)
    begin_write(session)
    target = runnable_version(session, process_id, to_version, user.tenant_id)
    new = parsed_runnable(session, target)
    source = (
        get_version(session, process_id, from_version, tenant_id=user.tenant_id)
        if from_version is not None
        else None
    )
    if source is not None and source.id == target.id:
        raise InvalidInput(
            "Ausgangs- und Zielversion sind dieselbe.",
            errors={"from_version": ["Muss sich von to_version unterscheiden."]},
        )
    forms = _Forms(session, user.tenant_id)
    items = []
    for instance, case, number in _instances(session, user, process_id, target, source, lock=not dry_run):
        item = {
            "instance_id": instance.id,
            "case_id": case.id,
            "pseudonym": case.pseudonym,
            "from_version": number,
            "open_tasks": [],
            "reasons": [],
            "notes": [],
        }
        items.append(item)
        try:
            old = parsed_version(session, instance.process_version_id)
        except wf.DiagramError:
            item["status"] = BLOCKED
            item["reasons"].append(
                _reason(
                    "The instance's current version cannot be read.",
                    "Die bisherige Version des Falls kann nicht gelesen werden.",
                )
            )
            continue
        check = wf.check_migration(old, new, instance.state)
        item["open_tasks"] = [t.bpmn_id for t in check.open_tasks]
        item["notes"] = check.notes
        item["reasons"] = [b.as_dict() for b in check.blockers] + (
            [] if check.blockers else _data_problems(forms, check.open_tasks)
        )
        item["status"] = BLOCKED if item["reasons"] else MOVABLE
        if dry_run or item["reasons"]:
            continue
        try:
            with session.begin_nested():
                _move(session, user, instance, case, old, new, target, number)
            item["status"] = MIGRATED
        except wf.MigrationBlocked as exc:
            item["status"], item["reasons"] = BLOCKED, [b.as_dict() for b in exc.blockers]
        except Exception as exc:  # one case failing must not stop the others
            item["status"] = FAILED
            item["reasons"] = [_failure_reason(exc)]
            if not isinstance(exc, (wf.EngineFailure, KimError)):
                log.exception("migration of instance %s failed", instance.id)
            record(
                session,
                user,
                case_event(
                    "process.migrate_failed",
                    case,
                    detail={"instance_id": instance.id, "to_version": target.version},
                ),
            )
    counts = {s: sum(1 for i in items if i["status"] == s) for s in (MOVABLE, BLOCKED, MIGRATED, FAILED)}
    if dry_run:
        record(
            session,
            user,
            Event(
                "process.migration_check",
                "process_version",
                f"{target.process_id}@{target.version}",
                detail=counts,
            ),
        )
    return {
        "process_id": target.process_id,
        "to_version": target.version,
        "from_version": source.version if source is not None else None,
        "dry_run": dry_run,
        "counts": counts,
        "items": items,
    }


def _failure_reason(exc: Exception) -> dict[str, Any]:
    if isinstance(exc, wf.EngineFailure):
        return _reason(
            "The process cannot go on in the new version; the case was left unchanged.",
            "Der Prozess kann in der neuen Version nicht weiterlaufen; der Fall blieb unverändert.",
            exc.element_id,
        )
    if isinstance(exc, KimError):
        return _reason(
            "The case could not be moved; it was left unchanged.", f"{exc.detail} Der Fall blieb unverändert."
        )
    return _reason(
        "The case could not be moved (technical error); it was left unchanged.",
        "Der Fall konnte nicht umziehen (technischer Fehler); er blieb unverändert.",
    )
