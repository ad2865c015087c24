"""The browser session: a web token in the signed cookie, CSRF checks, the login gate for pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect

from engine.access.actor import Actor
from engine.access.service import new_token, revoke_token
from engine.errors import Forbidden, Unauthorized

from ..context import authenticated, db, settings
from .strings import DE

TOKEN_KEY = "web_token"
CSRF_REFUSED = DE["csrf_refused"]

# Checks only where we call csrf.protect(): cookie-authenticated requests (bearer clients need none).
csrf = CSRFProtect()


def session_token() -> str | None:
    """The web token of this browser session, if any."""
    token = session.get(TOKEN_KEY)
    return token if isinstance(token, str) and token else None


def start_session(user_id: int) -> None:
    """Log the user in: a fresh session (no fixation) holding a new web token."""
    session.clear()
    session[TOKEN_KEY] = new_token(db(), user_id, settings().session_hours, kind="web")


def end_session() -> None:
    """Revoke this browser's web token and forget the session (in the request's unit of work)."""
    token = session_token()
    if token:
        revoke_token(db(), token)
    session.clear()


def csrf_valid() -> bool:
    """Whether an unsafe request carries this session's CSRF token (safe methods always pass)."""
    try:
        csrf.protect()
    except CSRFError:
        return False
    return True


def cookie_user(token: str) -> Actor:
    """The user of a cookie-authenticated API request; unsafe methods need the CSRF token."""
    actor = authenticated(token, kind="web")
    if not csrf_valid():
        raise Forbidden(CSRF_REFUSED, kind="csrf-refused")
    return actor


def require_login():
    """Gate for web pages: sets ``g.user``, or answers with a redirect to /login or a 403 page."""
    token = session_token()
    if token:
        try:
            authenticated(token, kind="web")
        except Unauthorized:
            session.clear()  # expired or revoked: start over
            token = None
    if token is None:
        if request.method in ("GET", "HEAD"):
            target = request.full_path.rstrip("?")
            return redirect(url_for("login.login", next=None if target == "/" else target))
        return redirect(url_for("login.login"), 303)
    if not csrf_valid():
        return render_template("error.html", message=CSRF_REFUSED), 403
    return None


def safe_next(value: str | None) -> str:
    """A local path to continue to after login; anything pointing elsewhere becomes ``/``."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        return "/"
    parts = urlsplit(value)
    return "/" if parts.scheme or parts.netloc else value
