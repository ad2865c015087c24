"""Readiness as operators ask for it: does the database answer, and at which migration is its schema?"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from .migrate import current_revisions


def database_revisions(session: Session) -> tuple[str, ...]:
    """The schema revision(s) the database is at; raises the driver's error if it does not answer."""
    session.execute(text("SELECT 1"))
    return current_revisions(session.connection())
