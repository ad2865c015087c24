"""Inboxes, task details and task completion."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache, partial
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, func, select
from sqlalchemy.orm import Session

from .. import workflow as wf
from .. import writes
from ..access.actor import Actor
from ..access.models import User
from ..access.service import CASE_ROLES_PSEUDONYMISED, in_scope, require_case_manager, scope_filter
from ..audit.service import Event, record
from ..cases.models import Case
from ..cases.service import Page, paged, read_page
from ..checks import access as checks
from ..clock import utcnow
from ..consents import service as consents
from ..db import begin_write
from ..errors import Conflict, InvalidInput, NotFound, ProcessModelError
from ..goals import checks as goals
from ..instances.models import ProcessInstance
from ..instances.service import record_step
from ..processes.forms import validate_form_data
from ..processes.models import FormVersion
from ..processes.runs import RUN_ROLE, is_run, run_condition
from ..processes.service import current_form_id, parsed_version
from . import completion_read
from . import inbox as filters
from .kept import keep_after_failure
from .models import READY, TaskDraft, TaskRecord

# A completed task's draft goes with it (built once: it is sent with the step's writes, engine/writes.py).
_DROP_DRAFT = writes.kept(delete(TaskDraft).where(TaskDraft.task_id == bindparam("draft_task")))

NO_SUCH_TASK = "Diese Aufgabe gibt es nicht oder Sie haben keinen Zugriff darauf."


COORDINATOR = (
    "coordinator"  # works only on the tasks of the lane "Koordination" (e.g. "zweimal nicht erreicht")
)


def refuse_if_held_by_other(session: Session, user: Actor, row: TaskRecord) -> None:
    """A task a colleague holds is theirs: completing it (or its draft) needs an explicit take-over first."""
    if row.assignee_id is None or row.assignee_id == user.id:
        return
    holder = session.get_one(User, row.assignee_id)
    raise Conflict(
        f"Diese Aufgabe bearbeitet {holder.display_name}. Bitte die Aufgabe zuerst übernehmen "
        "(„Aufgabe übernehmen“); nichts wurde gespeichert.",
        kind="task-claimed-by-other",
        holder=holder.username,
        holder_name=holder.display_name,
    )


def _require_task_role(user: Actor) -> None:
    """Case managers work on case tasks; coordinators on the case tasks of their lane; process owners
    on the tasks of their test runs; an authority's staff on the tasks of their agency's checks."""
    if user.role not in (RUN_ROLE, COORDINATOR, checks.AUTHORITY):
        require_case_manager(user)


def _may_work_on(session: Session, user: Actor, row: TaskRecord, instance: ProcessInstance | None) -> bool:
    """Process owners: test-run tasks of their tenant only; coordinators: case tasks of their role in
    scope; everyone else: case tasks in scope."""
    if user.role == RUN_ROLE:
        if instance is None:
            instance = session.get(ProcessInstance, row.instance_id)
        return row.tenant_id == user.tenant_id and instance is not None and is_run(session, instance)
    if user.role == COORDINATOR and row.role != COORDINATOR:
        return False
    if user.role == checks.AUTHORITY:
        return (
            row.role == checks.AUTHORITY
            and row.tenant_id == user.tenant_id
            and checks.works_on(session, user, row.instance_id)
        )
    return in_scope(user, row.municipality_id, row.team_id, row.tenant_id)


def scope_conditions(user: Actor, status: str = READY) -> list[ColumnElement[bool]]:
    """The tasks a user's inbox holds before any filter: in scope, of the user's role (process owners:
    their tenant's test runs, whatever the lane; an authority's staff: its agency's checks)."""
    _require_task_role(user)
    if user.role == RUN_ROLE:
        return [
            TaskRecord.tenant_id == user.tenant_id,
            TaskRecord.status == status,
            TaskRecord.case_id.is_(None),
            TaskRecord.instance_id.in_(select(ProcessInstance.id).where(run_condition())),
        ]
    if user.role == checks.AUTHORITY:
        return [
            TaskRecord.tenant_id == user.tenant_id,
            TaskRecord.status == status,
            TaskRecord.role == user.role,
            TaskRecord.instance_id.in_(checks.agency_instances(user)),
        ]
    return [
        scope_filter(user, TaskRecord.municipality_id, TaskRecord.team_id, TaskRecord.tenant_id),
        TaskRecord.status == status,
        TaskRecord.role == user.role,
    ]


# What a list of tasks shows (engine/tasks/read.py TaskView): read as rows, not as ORM objects. For a page
# of 100 tasks, objects took half as long again as rows (1.40 ms against 0.94 ms, in the same process).
LISTED = (
    TaskRecord.id,
    TaskRecord.name,
    TaskRecord.bpmn_id,
    TaskRecord.form_key,
    TaskRecord.case_id,
    TaskRecord.instance_id,
    TaskRecord.lane,
    TaskRecord.role,
    TaskRecord.status,
    TaskRecord.created_at,
    TaskRecord.due_at,
    TaskRecord.completed_at,
    TaskRecord.assignee_id,
)


def inbox(
    session: Session,
    *,
    user: Actor,
    case_id: int | None = None,
    run_id: int | None = None,
    status: str = READY,
    overdue: bool | None = None,
    view: str = filters.TEAM,
    sort: str = filters.BY_DUE,
    refine: filters.Refinement | None = None,
    page: int = 1,
    per_page: int = 25,
) -> Page:
    """Tasks in the user's scope for the user's role, of one view (engine/tasks/inbox.py), refined and
    sorted; by default every one, most urgent first. The items are rows of the columns ``LISTED``."""
    refine = refine or filters.Refinement()
    if refine.process == "":  # no process chosen
        refine = replace(refine, process=None)
    now = utcnow()
    if refine.q or user.role not in _KEPT_ROLES:  # a search (its escaped pattern), runs, checks
        listed, counted = _inbox_statements(user, status, case_id, run_id, overdue, view, sort, refine, now)
        items, total = read_page(session, listed, counted, page, per_page)
        return Page(items, total, page, per_page)
    _require_task_role(user)
    shape = (
        user.role,
        user.team_id is None,
        status,
        case_id is None,
        run_id is None,
        overdue,
        view,
        sort,
        refine.process is None,
        refine.municipality_id is None,
    )
    listed, counted = _kept_inbox(shape)
    params = {
        "inbox_user": user.id,
        "inbox_tenant": user.tenant_id,
        "inbox_municipality": user.municipality_id,
        "inbox_team": user.team_id,
        "inbox_case": case_id,
        "inbox_run": run_id,
        "inbox_now": now,
        "inbox_week": filters.week_end(now) if view == filters.WEEK else None,
        "inbox_process": refine.process,
        "inbox_place": refine.municipality_id,
    }
    items, total = read_page(session, listed, counted, page, per_page, params)
    return Page(items, total, page, per_page)


# Roles whose inbox depends on nothing but the actor's ids (engine/access scope_filter).
_KEPT_ROLES = frozenset({"case_manager", *CASE_ROLES_PSEUDONYMISED})


@lru_cache(maxsize=512)
def _kept_inbox(shape: tuple) -> tuple:
    """The inbox's page and count statements for one shape (role, which filters, view, sort), built once
    with every value a bound parameter: a statement object keeps its cache key, so the requests after
    the first skip building both and their keys (about 7 % of an inbox of 100 tasks)."""
    role, no_team, status, no_case, no_run, overdue, view, sort, no_process, no_place = shape
    user = Actor(
        id=bindparam("inbox_user"),  # type: ignore[arg-type]  # an actor whose ids are parameters
        username="",
        role=role,
        tenant_id=bindparam("inbox_tenant"),  # type: ignore[arg-type]
        municipality_id=bindparam("inbox_municipality"),  # type: ignore[arg-type]
        team_id=None if no_team else bindparam("inbox_team"),  # type: ignore[arg-type]
    )
    refine = filters.Refinement(
        None if no_process else bindparam("inbox_process"),  # type: ignore[arg-type]
        None if no_place else bindparam("inbox_place"),  # type: ignore[arg-type]
    )
    listed, counted = _inbox_statements(
        user,
        status,
        None if no_case else bindparam("inbox_case"),
        None if no_run else bindparam("inbox_run"),
        overdue,
        view,
        sort,
        refine,
        bindparam("inbox_now"),
        week=bindparam("inbox_week"),
    )
    return paged(listed), counted


def _inbox_statements(user, status, case_id, run_id, overdue, view, sort, refine, now, week=None):
    """The page's select (``LISTED``, ordered) and the count select of one inbox: with values, or with
    bound parameters in their place (``_kept_inbox``)."""
    cond = scope_conditions(user, status)
    if case_id is not None:
        cond.append(TaskRecord.case_id == case_id)
    if run_id is not None:
        cond.append(TaskRecord.instance_id == run_id)
    if overdue is not None:
        cond.append(
            TaskRecord.due_at < now if overdue else (TaskRecord.due_at.is_(None) | (TaskRecord.due_at >= now))
        )
    cond += [filters.view_condition(view, user, now, week), *filters.conditions(refine)]
    joined = filters.needs_case(refine, sort)
    counted = select(func.count()).select_from(TaskRecord)
    listed = select(*LISTED)
    if joined:
        counted = counted.outerjoin(Case, Case.id == TaskRecord.case_id)
        listed = listed.outerjoin(Case, Case.id == TaskRecord.case_id)
    return listed.where(*cond).order_by(*filters.order(sort)), counted.where(*cond)


def get_task(session: Session, *, user: Actor, task_id: str) -> TaskRecord:
    """A task in the user's scope; 404 otherwise."""
    _require_task_role(user)
    row = session.get(TaskRecord, task_id) if isinstance(task_id, str) and len(task_id) <= 36 else None
    if row is None or not _may_work_on(session, user, row, None):
        raise NotFound(NO_SUCH_TASK)
    return row


def _form_id(session: Session, row: TaskRecord, current: int | None = None) -> int:
    """The form version the task is filled in with: the one its instance pinned (a check's checklist,
    engine/checks), else the current one (``current``, when the caller read it with the task)."""
    pinned = checks.pinned_form_id(session, row.instance_id, row.form_key, row.process_id)
    if pinned is not None:
        return pinned
    if current is not None:
        return current
    return current_form_id(session, row.form_key or "", tenant_id=row.tenant_id)


def task_form(session: Session, row: TaskRecord) -> dict | None:
    """The JSON Schema of the task's form (None for tasks without a form)."""
    return session.get_one(FormVersion, _form_id(session, row)).schema if row.form_key else None


def task_data(session: Session, row: TaskRecord) -> dict[str, Any]:
    """The process data the task sees right now (empty once it is done)."""
    if row.status != READY:
        return {}
    instance = session.get_one(ProcessInstance, row.instance_id)
    proc = parsed_version(session, instance.process_version_id)
    return wf.task_data(proc, instance.state, row.id)


def complete_task(
    session: Session, *, user: Actor, task_id: str, data: Any
) -> tuple[dict | None, Case | None, list[dict]]:
    """Validate form data, complete the task and advance the process; one writer at a time."""
    _require_task_role(user)
    if not isinstance(task_id, str) or len(task_id) > 36:
        raise NotFound(NO_SUCH_TASK)
    begin_write(session)
    found = completion_read.read(session, task_id, user.tenant_id)
    if found is None or not _may_work_on(session, user, found.row, found.instance):
        raise NotFound(NO_SUCH_TASK)
    row, instance, case = found.row, found.instance, found.case
    if row.status != READY:
        raise Conflict(
            "Diese Aufgabe ist nicht mehr offen (bereits erledigt oder abgebrochen).",
            kind="task-already-done",
        )
    refuse_if_held_by_other(session, user, row)
    _check_data(session, row, data, current=found.form_id)
    consents.before_completion(session, case=case, form_key=row.form_key, data=data)
    goals.before_completion(session, case=case, form_key=row.form_key, data=data)
    proc = parsed_version(session, instance.process_version_id)
    try:
        result = wf.complete(proc, instance.state, task_id, data)
    except wf.TaskNotReady:
        raise Conflict(
            "Diese Aufgabe ist nicht mehr offen (bereits erledigt oder abgebrochen).",
            kind="task-already-done",
        ) from None
    except wf.EngineFailure as exc:
        raise _model_error(user, task_id, data, exc) from None
    recorded = record_step(
        session,
        instance=instance,
        case=case,
        result=result,
        user=user,
        completed_task=task_id,
        open_rows=found.open_rows,
        has_timers=found.has_timers,
    )
    consents.after_completion(
        session, case=case, form_key=row.form_key, task_id=task_id, data=data, user=user
    )
    if found.has_draft:  # a draft ends with its task
        writes.later(session, _DROP_DRAFT, params={"draft_task": task_id})
    record(session, user, _task_event("task.complete", row, case))
    return recorded.completed, case, recorded.ready


def _model_error(user: Actor, task_id: str, data: dict, failure: wf.EngineFailure) -> ProcessModelError:
    """The form was valid, so the failure is the process model's: say so, keep the entries as a draft
    and tell the process owners (both after the rollback, engine/tasks/kept.py)."""
    step = failure.element_name or failure.element_id or "?"
    return ProcessModelError(
        f"Der Prozess ist an Schritt „{step}“ auf einen Fehler im Prozessmodell gestoßen; Ihre Eingaben "
        "sind als Entwurf gespeichert; die Prozessverantwortlichen sind informiert.",
        aftermath=partial(keep_after_failure, user=user, task_id=task_id, data=data, failure=failure),
        element_id=failure.element_id,
        element_name=failure.element_name,
        limit=failure.limit,
    )


def _check_data(session: Session, row: TaskRecord, data: Any, current: int | None = None) -> None:
    """German per-field errors (InvalidInput) if ``data`` does not fit the task's current form
    (``current``: its id, when the caller read it)."""
    if not isinstance(data, dict):
        raise InvalidInput("Die Formulardaten müssen ein Objekt sein.", errors={"data": ["Ungültig."]})
    if row.form_key:
        form_id = _form_id(session, row, current)
        validate_form_data(
            form_id,
            lambda: session.get_one(FormVersion, form_id).schema,
            data,
            str(session.get_bind().engine.url),
        )
    elif data:
        raise InvalidInput("Diese Aufgabe hat kein Formular; es dürfen keine Daten gesendet werden.")


def check_task_data(session: Session, *, user: Actor, task_id: str, data: Any) -> None:
    """Validate form data for a task without completing it (the web form's confirmation step)."""
    row = get_task(session, user=user, task_id=task_id)
    if row.status != READY:
        raise Conflict(
            "Diese Aufgabe ist nicht mehr offen (bereits erledigt oder abgebrochen).",
            kind="task-already-done",
        )
    refuse_if_held_by_other(session, user, row)
    _check_data(session, row, data)
    case = session.get(Case, row.case_id) if row.case_id else None
    goals.before_completion(session, case=case, form_key=row.form_key, data=data)


def _task_event(action: str, row: TaskRecord, case: Case | None) -> Event:
    detail: dict[str, Any] = {"bpmn_id": row.bpmn_id, "form_key": row.form_key}
    if row.case_id is None:
        detail["instance_id"] = row.instance_id  # a test run (or another case-less instance)
    return Event(
        action, "task", row.id, case_id=row.case_id, pseudonym=case.pseudonym if case else None, detail=detail
    )


def read_task(session: Session, *, user: Actor, task_id: str) -> tuple[TaskRecord, dict]:
    """A task and the process data it sees; the reading is recorded."""
    _require_task_role(user)
    begin_write(session)
    row = get_task(session, user=user, task_id=task_id)
    data = task_data(session, row)
    case = session.get(Case, row.case_id) if row.case_id else None
    record(session, user, _task_event("task.read", row, case))
    return row, data
