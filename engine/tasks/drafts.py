"""Task form drafts: values saved without completing the task, restored when the form is opened again."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..db import begin_write
from ..errors import Conflict, InvalidInput
from .kept import store_draft
from .models import READY, TaskDraft
from .service import get_task, refuse_if_held_by_other

MAX_DRAFT_CHARS = 200_000


def save_draft(session: Session, *, user: Actor, task_id: str, data: Any) -> TaskDraft:
    """Store (or replace) the task's draft; unchecked, since a draft may be incomplete.

    Decisions (engine/processes/decisions.py) are not kept: a restored draft never preselects one.
    """
    begin_write(session)
    row = get_task(session, user=user, task_id=task_id)
    if row.status != READY:
        raise Conflict(
            "Diese Aufgabe ist nicht mehr offen (bereits erledigt oder abgebrochen).",
            kind="task-already-done",
        )
    refuse_if_held_by_other(session, user, row)  # the holder's own draft is not overwritten
    if not isinstance(data, dict) or len(repr(data)) > MAX_DRAFT_CHARS:
        raise InvalidInput("Der Entwurf ist ungültig oder zu groß.")
    return store_draft(session, user=user, row=row, data=data)


def get_draft(session: Session, task_id: str) -> TaskDraft | None:
    """The task's draft, if any (read after read_task, which checks access and records the reading)."""
    return session.get(TaskDraft, task_id)
