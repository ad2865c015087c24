"""Per-request database session and acting user (the only place that touches ``g``)."""
from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session

from engine.access.actor import Actor


def db() -> Session:
    """The request's session, opened on first use."""
    if "db" not in g:
        g.db = current_app.extensions["kim"]["sessions"]()
    return g.db


def commit() -> None:
    """Commit the request's unit of work (once, at the end of a view)."""
    db().commit()


def current_user() -> Actor:
    """The authenticated user of this request."""
    return g.user


def settings():
    """The app's settings."""
    return current_app.extensions["kim"]["settings"]


def close_session(exc: BaseException | None = None) -> None:
    """Roll back whatever was not committed and release the connection."""
    session = g.pop("db", None)
    if session is not None:
        if session.in_transaction():
            session.rollback()
        session.close()
