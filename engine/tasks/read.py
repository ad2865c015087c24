"""Task screens and resources, read in one place: one read function per screen (the web inbox, the task
form page) and per API resource (the inbox, a task with its form, an assignment).

Each read function applies scope (through the task services), personal-data visibility and the audit
record, and returns a ready-to-show view model; the web and API layers only render it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.models import User
from ..access.read import display_names
from ..access.service import sees_personal_data
from ..audit.service import case_event, record
from ..cases.models import Case
from ..cases.service import Page
from ..clock import utcnow
from ..db import begin_write
from ..errors import InvalidInput
from ..goals.read import form_choices
from . import assign, drafts, inbox_choice, service
from . import inbox as filters
from .models import READY, TaskRecord


@dataclass(frozen=True)
class TaskView:
    """A task as lists and forms show it (no process data)."""

    id: str
    name: str
    bpmn_id: str
    form_key: str | None
    case_id: int | None
    instance_id: int
    lane: str | None
    role: str
    status: str
    created_at: datetime
    due_at: datetime | None
    completed_at: datetime | None
    assignee_id: int | None


def task_view(row: TaskRecord | Row) -> TaskView:
    """The view of one task: an ORM row, or a row of the inbox's columns (``service.LISTED``, in the
    view's own order: taken as they are, without looking each one up by name)."""
    if isinstance(row, Row):
        return TaskView(*row)
    return TaskView(
        row.id,
        row.name,
        row.bpmn_id,
        row.form_key,
        row.case_id,
        row.instance_id,
        row.lane,
        row.role,
        row.status,
        row.created_at,
        row.due_at,
        row.completed_at,
        row.assignee_id,
    )


def inbox(
    session: Session,
    *,
    user: Actor,
    process: str | None = None,
    municipality: str | None = None,
    q: str | None = None,
    **args: Any,
) -> Page:
    """The API inbox: tasks in scope of one view (``team``, every one, unless asked), refined by process,
    municipality key and search (no case data, so nothing to record)."""
    place = filters.municipality_id(session, user=user, key=municipality)
    refine = filters.Refinement(process or None, place, (q or "").strip() or None)
    page = service.inbox(session, user=user, refine=refine, **args)
    return Page([task_view(t) for t in page.items], page.total, page.page, page.per_page)


@dataclass(frozen=True)
class InboxRow:
    """One line of Meine Aufgaben."""

    task: TaskView
    case_id: int | None
    case_number: str | None
    client_name: str | None  # only for those who see personal data
    assignee: str | None
    mine: bool
    overdue: bool


@dataclass(frozen=True)
class Colleague:
    """Someone a task can be handed over to."""

    username: str
    display_name: str


@dataclass(frozen=True)
class InboxPage:
    """Meine Aufgaben: one page of rows of the chosen view, the count of every view, what can be
    filtered by, and the colleagues to hand over to."""

    rows: list[InboxRow]
    total: int
    page: int
    per_page: int
    colleagues: list[Colleague]
    choice: inbox_choice.Choice = field(default_factory=inbox_choice.Choice)
    counts: dict[str, int] = field(default_factory=dict)
    processes: list[tuple[str, str, int]] = field(default_factory=list)
    places: list[tuple[str, str, int]] = field(default_factory=list)  # (key, name, id)
    q: str = ""


def _asked_choice(session: Session, user: Actor, asked: dict[str, str]) -> dict[str, str | int | None]:
    """What the request asks for, with a municipality key turned into its id (unknown: none)."""
    out: dict[str, str | int | None] = {k: v for k, v in asked.items() if k in ("view", "sort", "process")}
    if "municipality" in asked:
        try:
            out["municipality_id"] = filters.municipality_id(session, user=user, key=asked["municipality"])
        except InvalidInput:
            out["municipality_id"] = None
    return out


def web_inbox(
    session: Session,
    *,
    user: Actor,
    asked: dict[str, str] | None = None,
    q: str = "",
    page: int = 1,
    per_page: int = 100,
) -> InboxPage:
    """Meine Aufgaben: ready tasks in scope of the view the user asks for (else the one chosen last,
    which is then kept), with the count of every view and their cases; every case shown is recorded."""
    begin_write(session)  # the reading is recorded
    choice = inbox_choice.saved(session, user=user)
    if asked:
        choice = inbox_choice.merged(choice, _asked_choice(session, user, asked))
    places = [(m.key, m.name, m.id) for m in filters.places(session, user=user)]
    if choice.municipality_id not in {pid for _k, _n, pid in places}:
        choice = replace(choice, municipality_id=None)
    if asked:
        inbox_choice.remember(session, user=user, choice=choice)
    refine = filters.Refinement(choice.process, choice.municipality_id, q.strip()[:100] or None)
    found = service.inbox(
        session, user=user, view=choice.view, sort=choice.sort, refine=refine, page=page, per_page=per_page
    )
    base = service.scope_conditions(user)
    counts = filters.counts(session, user=user, base=base, refine=refine, now=utcnow())
    processes = filters.processes(session, base=base, tenant_id=user.tenant_id)
    personal = sees_personal_data(user)
    case_ids = {t.case_id for t in found.items if t.case_id}
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(case_ids)))} if case_ids else {}
    people = display_names(session, {t.assignee_id for t in found.items if t.assignee_id})
    now = utcnow()
    rows = []
    for t in found.items:
        case = cases.get(t.case_id) if t.case_id else None
        rows.append(
            InboxRow(
                task=task_view(t),
                case_id=case.id if case else None,
                case_number=case.case_number if case else None,
                client_name=f"{case.given_name} {case.family_name}" if case and personal else None,
                assignee=people.get(t.assignee_id) if t.assignee_id else None,
                mine=t.assignee_id == user.id,
                overdue=t.due_at is not None and t.due_at < now,
            )
        )
    record(
        session,
        user,
        *(
            case_event("task.list", c, detail={"personal_data": personal})
            for c in sorted(cases.values(), key=lambda c: c.id)
        ),
    )
    colleagues = [Colleague(u.username, u.display_name) for u in assign.colleagues(session, user=user)]
    return InboxPage(
        rows,
        found.total,
        found.page,
        found.per_page,
        colleagues,
        choice,
        counts,
        processes,
        places,
        q.strip()[:100],
    )


def task_detail(session: Session, *, user: Actor, task_id: str) -> dict:
    """The API's task resource: the task, its form and the process data it sees (the reading is recorded)."""
    row, data = service.read_task(session, user=user, task_id=task_id)
    out = {
        c: getattr(row, c)
        for c in (
            "id",
            "name",
            "bpmn_id",
            "form_key",
            "case_id",
            "instance_id",
            "lane",
            "role",
            "status",
            "created_at",
            "due_at",
            "completed_at",
        )
    }
    out["form"] = _form(session, user, row)
    # Coordinators see cases by pseudonym only: none of the process data (check-in notes and the like).
    out["data"] = data if user.role != service.COORDINATOR else {}
    out["assignee"] = (
        session.scalar(select(User.username).where(User.id == row.assignee_id)) if row.assignee_id else None
    )
    return out


@dataclass(frozen=True)
class Draft:
    """A saved draft of a form."""

    data: dict
    saved_at: datetime


@dataclass(frozen=True)
class TaskPage:
    """The task form page: the task, its form, the case it belongs to and who holds the task.

    ``client_name`` only for those who see personal data; ``holder`` is the name of whoever holds the
    task, ``held_by_other`` whether that is someone other than the reader (then only a take-over lets
    the reader complete it).
    """

    task: TaskView
    schema: dict | None
    case_id: int | None
    pseudonym: str | None
    open: bool
    draft: Draft | None = None
    case_number: str | None = None
    client_name: str | None = None
    holder: str | None = None
    held_by_other: bool = False


def _form(session: Session, user: Actor, row: TaskRecord) -> dict | None:
    """The task's form; with the case's goals and members to choose from for who sees personal data."""
    schema = service.task_form(session, row)
    return form_choices(session, schema, row.case_id) if sees_personal_data(user) else schema


def _page(session: Session, user: Actor, row: TaskRecord, draft: Draft | None) -> TaskPage:
    case = session.get(Case, row.case_id) if row.case_id else None
    holder = display_names(session, {row.assignee_id}).get(row.assignee_id) if row.assignee_id else None
    return TaskPage(
        task_view(row),
        _form(session, user, row),
        row.case_id,
        case.pseudonym if case else None,
        row.status == READY,
        draft,
        case_number=case.case_number if case else None,
        client_name=f"{case.given_name} {case.family_name}" if case and sees_personal_data(user) else None,
        holder=holder,
        held_by_other=row.assignee_id is not None and row.assignee_id != user.id,
    )


def task_page(session: Session, *, user: Actor, task_id: str) -> TaskPage:
    """The task form page with the latest draft (the reading is recorded)."""
    row, _ = service.read_task(session, user=user, task_id=task_id)
    saved = drafts.get_draft(session, row.id) if row.status == READY else None
    return _page(session, user, row, Draft(saved.data, saved.saved_at) if saved else None)


def task_form_page(session: Session, *, user: Actor, task_id: str) -> TaskPage:
    """The task form page around values the user just submitted (nothing stored is shown)."""
    return _page(session, user, service.get_task(session, user=user, task_id=task_id), None)


def assignment(session: Session, row: TaskRecord) -> dict:
    """Who holds a task after claiming, giving back or handing over."""
    name = (
        session.scalar(select(User.username).where(User.id == row.assignee_id)) if row.assignee_id else None
    )
    return {"id": row.id, "status": row.status, "assignee": name}
