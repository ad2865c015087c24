"""The state-level role's fence: its accounts reach the state's view (API and page), logging out and
the start page, nothing else.

The engine's read models already refuse roles they do not name; the fence makes "nothing else" hold
for every endpoint there is or will be, before any of them reads (on PostgreSQL the state scope may
read only tenants and programme facts, engine/tenancy). Refused as roles without access are: 403, a
problem document in the API, the error page on the web.
"""

from __future__ import annotations

from flask import g, render_template, request

from engine.errors import Forbidden
from engine.state.access import REFUSED, is_state_user

BLUEPRINTS = {"state", "state_pages"}
ENDPOINTS = {"auth.logout", "login.logout", "web.home", "static"}


def fence():
    """A before-request hook after authentication: refuse a state account everything but its own."""
    user = g.get("user")
    if user is None or not is_state_user(user):
        return None
    if request.blueprint in BLUEPRINTS or request.endpoint in ENDPOINTS:
        return None
    if request.path.startswith("/api/"):
        raise Forbidden(REFUSED)
    return render_template("error.html", message=REFUSED), 403
