"""The inbox's filters, sort orders, search and counts, as SQL conditions on the task projection.

Views (one at a time): ``mine`` (tasks the user holds, and the tasks nobody holds of the cases she is
the case manager of: a new case's tasks are hers without taking them), ``team`` (every open task of
the user's scope), ``unassigned`` (nobody holds it), ``overdue`` (past its due time), ``week`` (due by
the end of this calendar week, Berlin time, the overdue ones included). Refinements on top of any
view: the process, the municipality (for county-wide teams), a search in the case number, the
pseudonym and the task's title. Everything is a condition on typed columns the scope indexes lead to
(engine/tasks/models.py); nothing is filtered in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import ColumnElement, case, func, or_, select, true
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..cases.models import Case
from ..clock import BERLIN
from ..errors import InvalidInput
from ..org.models import Municipality
from ..processes.models import ProcessVersion
from ..processes.scope import visible
from .models import TaskRecord

MINE, TEAM, UNASSIGNED, OVERDUE, WEEK = "mine", "team", "unassigned", "overdue", "week"
VIEWS = (MINE, TEAM, UNASSIGNED, OVERDUE, WEEK)
BY_DUE, BY_CASE, BY_TASK = "due", "case", "task"
SORTS = (BY_DUE, BY_CASE, BY_TASK)
NO_SUCH_PLACE = "Diese Gemeinde gibt es nicht."


@dataclass(frozen=True)
class Refinement:
    """What narrows every view: process id, municipality id and a search text (each optional)."""

    process: str | None = None
    municipality_id: int | None = None
    q: str | None = None


def week_end(now: datetime) -> datetime:
    """The end of the calendar week (Monday 0:00 in Berlin) that ``now`` lies in."""
    local = now.astimezone(BERLIN)
    monday = local.date() + timedelta(days=7 - local.weekday())
    return datetime.combine(monday, time(0), tzinfo=BERLIN).astimezone(now.tzinfo)


def view_condition(
    view: str, user: Actor, now: datetime, week: datetime | None = None
) -> ColumnElement[bool]:
    """The condition of one view (``team``: everything in scope); ``week``: the end of this week, if
    the caller has it (a bound parameter of a statement built once)."""
    if view == MINE:
        own_cases = select(Case.id).where(Case.case_manager_id == user.id)
        unheld_of_own = (TaskRecord.assignee_id.is_(None)) & TaskRecord.case_id.in_(own_cases)
        return or_(TaskRecord.assignee_id == user.id, unheld_of_own)
    if view == UNASSIGNED:
        return TaskRecord.assignee_id.is_(None)
    if view == OVERDUE:
        return TaskRecord.due_at < now
    if view == WEEK:
        return TaskRecord.due_at < (week_end(now) if week is None else week)
    return true()


def needs_case(refine: Refinement, sort: str) -> bool:
    """Whether the query joins the task's case (search in its number or pseudonym, sorting by case)."""
    return bool(refine.q) or sort == BY_CASE


def conditions(refine: Refinement) -> list[ColumnElement[bool]]:
    """The refinement's conditions; a search needs the case joined (``needs_case``)."""
    out: list[ColumnElement[bool]] = []
    if refine.process is not None:
        out.append(TaskRecord.process_id == refine.process)
    if refine.municipality_id is not None:
        out.append(TaskRecord.municipality_id == refine.municipality_id)
    if refine.q:
        needle = refine.q.strip().lower()
        # autoescape: % and _ in what people type are letters, not wildcards (both databases)
        out.append(
            or_(
                func.lower(TaskRecord.name).contains(needle, autoescape=True),
                func.lower(Case.case_number).contains(needle, autoescape=True),
                func.lower(Case.pseudonym).contains(needle, autoescape=True),
            )
        )
    return out


def order(sort: str) -> list:
    """ORDER BY of a sort; ties by due date, then age, then id (a stable page order)."""
    by_due = [TaskRecord.due_at.is_(None), TaskRecord.due_at, TaskRecord.created_at, TaskRecord.id]
    if sort == BY_CASE:
        return [Case.case_number.is_(None), Case.case_number, *by_due]
    if sort == BY_TASK:
        return [TaskRecord.name, *by_due]
    return by_due


def counts(
    session: Session, *, user: Actor, base: list[ColumnElement[bool]], refine: Refinement, now: datetime
) -> dict[str, int]:
    """The number of tasks of every view under the same scope and refinement, in one query."""
    columns = [func.count(case((view_condition(v, user, now), 1))) for v in VIEWS]
    stmt = select(*columns).select_from(TaskRecord)
    if refine.q:
        stmt = stmt.outerjoin(Case, Case.id == TaskRecord.case_id)
    row = session.execute(stmt.where(*base, *conditions(refine))).one()
    return dict(zip(VIEWS, (int(n or 0) for n in row), strict=True))


def municipality_id(session: Session, *, user: Actor, key: str | None) -> int | None:
    """The id of a municipality of the user's tenant by key (None for none); 422 naming the field."""
    if not key:
        return None
    found = session.scalar(
        select(Municipality.id).where(Municipality.tenant_id == user.tenant_id, Municipality.key == key)
    )
    if found is None:
        raise InvalidInput(NO_SUCH_PLACE, errors={"municipality": [NO_SUCH_PLACE]})
    return found


def places(session: Session, *, user: Actor) -> list[Municipality]:
    """The municipalities to filter by: only a county-wide team's members have more than one."""
    if user.role != "case_manager" or user.team_id is None:
        return []
    return list(
        session.scalars(
            select(Municipality)
            .where(Municipality.tenant_id == user.tenant_id, Municipality.has_case_management.is_(True))
            .order_by(Municipality.name)
        )
    )


def processes(
    session: Session, *, base: list[ColumnElement[bool]], tenant_id: int
) -> list[tuple[str, str, int]]:
    """(process id, name, open tasks) of the processes that have tasks in the scope, by name (the name
    of the version the tenant starts new work on)."""
    found = session.execute(
        select(TaskRecord.process_id, func.count())
        .where(*base, TaskRecord.process_id.is_not(None))
        .group_by(TaskRecord.process_id)
    ).all()
    if not found:
        return []
    current = session.execute(
        select(ProcessVersion.process_id, ProcessVersion.name)
        .where(
            ProcessVersion.process_id.in_([p for p, _ in found]),
            ProcessVersion.is_current.is_(True),
            visible(ProcessVersion, tenant_id),
        )
        .order_by(ProcessVersion.tenant_id.is_(None).desc())  # the base first: the tenant's own win
    ).all()
    names: dict[str, str | None] = {row[0]: row[1] for row in current}
    out = [(p, names.get(p) or p, int(n)) for p, n in found if p]
    return sorted(out, key=lambda item: item[1].lower())
