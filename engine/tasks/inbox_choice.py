"""The inbox view each user chose last, kept on the server (table ``inbox_choices``), so the inbox
opens as it was left on any device. A search is not kept: it answers one question."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..clock import utcnow
from ..db import begin_write
from .inbox import BY_DUE, MINE, SORTS, VIEWS
from .models import InboxChoice


@dataclass(frozen=True)
class Choice:
    """View, sort, process id and municipality id of an inbox."""

    view: str = MINE
    sort: str = BY_DUE
    process: str | None = None
    municipality_id: int | None = None


def saved(session: Session, *, user: Actor) -> Choice:
    """The user's last choice, or the default (Meine Aufgaben, due first)."""
    row = session.get(InboxChoice, user.id)
    if row is None:
        return Choice()
    return Choice(
        row.view if row.view in VIEWS else MINE,
        row.sort if row.sort in SORTS else BY_DUE,
        row.process_id,
        row.municipality_id,
    )


def merged(current: Choice, asked: dict[str, str | int | None]) -> Choice:
    """The current choice with what the user asked for now (keys present override; unknown values are
    ignored; an empty process or municipality clears it)."""
    out = current
    if asked.get("view") in VIEWS:
        out = replace(out, view=str(asked["view"]))
    if asked.get("sort") in SORTS:
        out = replace(out, sort=str(asked["sort"]))
    if "process" in asked:
        out = replace(out, process=str(asked["process"])[:100] if asked["process"] else None)
    if "municipality_id" in asked:
        value = asked["municipality_id"]
        out = replace(out, municipality_id=int(value) if value else None)
    return out


def remember(session: Session, *, user: Actor, choice: Choice) -> None:
    """Keep the choice for the user's next visit (one row per user)."""
    begin_write(session)
    row = session.get(InboxChoice, user.id)
    if row is None:
        row = InboxChoice(user_id=user.id)
        session.add(row)
    row.view, row.sort = choice.view, choice.sort
    row.process_id, row.municipality_id = choice.process, choice.municipality_id
    row.updated_at = utcnow()
