"""Who is signed in, as every page's layout shows it: one read function per screen element."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .actor import Actor
from .models import User


def display_name(session: Session, user: Actor) -> str:
    """The signed-in user's name as pages show it."""
    return session.scalar(select(User.display_name).where(User.id == user.id)) or user.username


def display_names(session: Session, user_ids: set[int]) -> dict[int, str]:
    """The names of these users as pages show them (who did a step, who holds a task)."""
    if not user_ids:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))
    # not dict(rows): a Result has keys(), so dict() would take it for a mapping
    return dict(rows.tuples().all())
