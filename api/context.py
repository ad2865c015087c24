"""Per-request unit of work and acting user (the only place that touches ``g``).

Every request is one unit of work (engine/uow.py): ``start_request`` decides at its start
whether it writes, ``db()`` begins it on first use (a request that never touches the
database opens no transaction), ``finish_request`` commits it once when the answer is a
success and rolls it back otherwise, ``close_session`` rolls back whatever an unhandled
error left open.

The request's unit starts in the identity lookup of authentication (engine/tenancy/scope.py): it
finds accounts and tokens only. ``authenticated`` then makes it act for the user's tenant, which on
PostgreSQL Row-Level Security enforces for every statement after it (engine/tenancy/rls.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Response, current_app, g
from sqlalchemy.orm import Session

from engine import uow
from engine.access.actor import Actor
from engine.access.service import authenticate
from engine.tenancy import scope

log = logging.getLogger("kim.api")


def _sessions():
    return current_app.extensions["kim"]["sessions"]


def start_request(*, write: bool) -> None:
    """Decide at the request's start whether its unit of work writes (takes the write lock)."""
    g.kim_write = write


def _tenant() -> int | str:
    user = g.get("user")
    return user.tenant_id if user is not None else scope.IDENTITY


def db() -> Session:
    """The request's session; its unit of work begins on first use, for the user's tenant once known."""
    if "db" not in g:
        g.db = uow.begin(_sessions()(), write=g.get("kim_write", True), tenant=_tenant())
        if g.pop("kim_failed", False):
            uow.fail(g.db)
    return g.db


def authenticated(token: str, kind: str = "api") -> Actor:
    """The user a token belongs to (engine/access authenticate); from now on the request acts for
    that user's tenant only."""
    session = db()
    user = authenticate(session, token, kind)
    scope.use_tenant(session, user.tenant_id)
    g.user = user
    return user


def fail() -> None:
    """Roll back everything this request did although its answer is no error (flash + redirect)."""
    if "db" in g:
        uow.fail(g.db)
    else:
        g.kim_failed = True


def restart() -> Session:
    """Roll back everything so far and begin the request's unit afresh (a form shown again).

    Objects read before are detached afterwards: read again what the answer shows.
    """
    session = g.pop("db", None)
    if session is not None:
        uow.finish(session, ok=False)
    return db()


@contextmanager
def own_unit() -> Iterator[Session]:
    """A unit of work of its own, committed whatever the request answers (login failure counts).

    It must come before the request's unit begins: on SQLite both would want the write lock.
    """
    if "db" in g:
        raise RuntimeError("own_unit() after the request's unit of work began")
    with uow.unit_of_work(_sessions(), tenant=_tenant()) as session:
        yield session


def keep_after_rollback(write: Callable[[Session], None]) -> None:
    """Roll back the request's unit, then commit ``write(session)`` in a unit of its own: what must
    survive a refused step (engine/errors.py ProcessModelError: the user's draft, the incident).
    A failure here is logged; the refusal is answered either way."""
    session = g.pop("db", None)
    if session is not None:
        uow.finish(session, ok=False)
    try:
        with uow.unit_of_work(_sessions(), tenant=_tenant()) as own:
            write(own)
    except Exception:
        log.exception("keeping the draft and incident after a refused step failed")


def finish_request(response: Response) -> Response:
    """Commit the request's unit once when the answer is a success (below 400), else roll back."""
    session = g.pop("db", None)
    if session is not None:
        uow.finish(session, ok=response.status_code < 400)
    return response


def current_user() -> Actor:
    """The authenticated user of this request."""
    return g.user


def settings():
    """The app's settings."""
    return current_app.extensions["kim"]["settings"]


def close_session(exc: BaseException | None = None) -> None:
    """Roll back a unit that no answer finished (an unhandled error) and release the connection."""
    g.pop("kim_failed", None)
    session = g.pop("db", None)
    if session is not None:
        uow.finish(session, ok=False)
