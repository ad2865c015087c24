"""Who works on a task: claim it, give it back, or hand it over within the team."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.models import User
from ..access.service import in_scope, require_case_manager
from ..audit.service import Event, record
from ..cases.models import Case
from ..db import begin_write
from ..errors import Conflict, InvalidInput, NotFound
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


def _audit(session: Session, user: Actor, row: TaskRecord, action: str, assignee: str | None) -> None:
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
            detail={"bpmn_id": row.bpmn_id, "assignee": assignee},
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
        session.scalars(select(User).where(User.username == username)).first()
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
    row.assignee_id = target.id
    _audit(session, user, row, "task.assign", target.username)
    return row
