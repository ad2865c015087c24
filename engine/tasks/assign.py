"""Who works on a task: claim it, give it back, hand it over within the team, or take it over.

Whom a task is handed to, and whose task is taken over, is told by e-mail (engine/tasks/reminders.py,
queued in this transaction, sent by the scheduler after the commit).

A task someone else holds is completed only by them (engine/tasks/service.py refuses everyone else);
a colleague who must finish it takes it over explicitly. The take-over is audited and written into the
case's history, so the previous holder reads who has it now.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.models import User
from ..access.read import display_names
from ..access.service import in_scope, require_case_manager
from ..audit.service import Event, record
from ..cases.models import Case
from ..clock import utcnow
from ..db import begin_write
from ..errors import Conflict, InvalidInput, NotFound
from ..history_labels import TAKE_OVER_KIND
from ..instances.models import HistoryEntry
from . import reminders
from .models import READY, TaskRecord
from .service import NO_SUCH_TASK

NO_COLLEAGUE = (
    "An diese Person kann die Aufgabe nicht übergeben werden (nur Case-Manager:innen im selben Team)."
)


def _ready_task(session: Session, user: Actor, task_id: str) -> TaskRecord:
    """A ready case task in the case manager's scope, locked for the change; 404 otherwise."""
    require_case_manager(user)
    begin_write(session)
    row = None
    if isinstance(task_id, str) and len(task_id) <= 36:
        row = session.scalars(select(TaskRecord).where(TaskRecord.id == task_id).with_for_update()).first()
    if (
        row is None
        or row.case_id is None
        or not in_scope(user, row.municipality_id, row.team_id, row.tenant_id)
    ):
        raise NotFound(NO_SUCH_TASK)
    if row.status != READY:
        raise Conflict(
            "Diese Aufgabe ist nicht mehr offen (bereits erledigt oder abgebrochen).",
            kind="task-already-done",
        )
    return row


def _audit(
    session: Session, user: Actor, row: TaskRecord, action: str, assignee: str | None, **more: str | None
) -> None:
    pseudonym = session.scalar(select(Case.pseudonym).where(Case.id == row.case_id))
    record(
        session,
        user,
        Event(
            action,
            "task",
            row.id,
            case_id=row.case_id,
            pseudonym=pseudonym,
            detail={"bpmn_id": row.bpmn_id, "assignee": assignee, **more},
        ),
    )


def claim(session: Session, *, user: Actor, task_id: str) -> TaskRecord:
    """The case manager takes the task on; a task someone else holds must be handed over instead."""
    row = _ready_task(session, user, task_id)
    if row.assignee_id not in (None, user.id):
        raise Conflict("Diese Aufgabe hat bereits jemand anderes übernommen.", kind="task-claimed")
    row.assignee_id = user.id
    _audit(session, user, row, "task.claim", user.username)
    return row


def take_over(session: Session, *, user: Actor, task_id: str) -> TaskRecord:
    """Take on a task, also one a colleague holds; the colleague reads it in the case's history.

    An unclaimed task is simply claimed; one the user holds already stays as it is.
    """
    row = _ready_task(session, user, task_id)
    previous_id = row.assignee_id
    if previous_id is None:
        row.assignee_id = user.id
        _audit(session, user, row, "task.claim", user.username)
        return row
    if previous_id == user.id:
        return row
    previous = session.get_one(User, previous_id)
    row.assignee_id = user.id
    _audit(session, user, row, "task.take_over", user.username, previous=previous.username)
    reminders.taken_over(session, row=row, from_id=previous_id, by=user)
    names = display_names(session, {user.id, previous_id})
    now = utcnow()
    session.add(
        HistoryEntry(
            instance_id=row.instance_id,
            case_id=row.case_id,
            task_id=row.id,
            bpmn_id=None,  # not a step of the process: nothing that reads steps by element id sees it
            name=take_over_line(row.name, names.get(user.id, user.username), names[previous_id]),
            kind=TAKE_OVER_KIND,
            state="completed",
            lane=row.lane,
            at=now,
            user_id=user.id,
            data=None,
        )
    )
    return row


def take_over_line(task: str, by: str, before: str) -> str:
    """The history line of a take-over, within the column's 200 characters."""
    return f"{task[:60]}: Aufgabe übernommen von {by[:60]} (vorher {before[:60]})"


def unclaim(session: Session, *, user: Actor, task_id: str) -> TaskRecord:
    """Give the task back to the team; only its assignee can."""
    row = _ready_task(session, user, task_id)
    if row.assignee_id != user.id:
        raise Conflict("Nur wer die Aufgabe übernommen hat, kann sie zurückgeben.", kind="task-not-claimed")
    row.assignee_id = None
    _audit(session, user, row, "task.unclaim", None)
    return row


def colleagues(session: Session, *, user: Actor) -> list[User]:
    """Active case managers of the user's own scope (team, else municipality), the user excluded."""
    require_case_manager(user)
    cond = [
        User.role == "case_manager",
        User.active.is_(True),
        User.tenant_id == user.tenant_id,
        User.id != user.id,
    ]
    if user.team_id is not None:
        cond.append(User.team_id == user.team_id)
    else:
        cond += [User.municipality_id == user.municipality_id, User.team_id.is_(None)]
    return list(session.scalars(select(User).where(*cond).order_by(User.display_name)))


def assign(session: Session, *, user: Actor, task_id: str, username: str) -> TaskRecord:
    """Hand the task over to a case manager of the same scope."""
    row = _ready_task(session, user, task_id)
    target = (
        session.scalars(
            select(User).where(User.tenant_id == row.tenant_id, User.username == username)
        ).first()
        if isinstance(username, str)
        else None
    )
    if target is None or not (
        target.active
        and target.role == "case_manager"
        and target.tenant_id == row.tenant_id
        and in_scope(
            Actor(
                target.id,
                target.username,
                target.role,
                target.tenant_id,
                target.municipality_id,
                target.team_id,
            ),
            row.municipality_id,
            row.team_id,
            row.tenant_id,
        )
    ):
        raise InvalidInput(NO_COLLEAGUE, errors={"username": [NO_COLLEAGUE]})
    previous_id, row.assignee_id = row.assignee_id, target.id
    _audit(session, user, row, "task.assign", target.username)
    if previous_id != target.id:
        reminders.handed_over(session, row=row, to_id=target.id, by=user)
    return row
