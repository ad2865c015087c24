"""The login page (user name and password; the county when there are several) and logout."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from engine.access.service import authenticate, check_password
from engine.access.tenants import login_tenants
from engine.errors import InvalidInput, LoginRefused, Unauthorized

from ..context import db, own_unit, settings
from ..login_marks import count_failure, login_limited
from ..views import auth as api_auth  # module import: api.views.auth imports this package too
from .session import CSRF_REFUSED, csrf_valid, end_session, safe_next, session_token, start_session
from .strings import DE

bp = Blueprint("login", __name__)

MISSING, STALE_FORM = DE["login_missing"], DE["login_stale"]


def login_page(
    error: str | None = None, username: str = "", next_url: str = "/", status: int = 200, tenant: str = ""
):
    """The login page, with an error message if given (also used by single sign-on); with more than
    one tenant it offers the "Kreis / kreisfreie Stadt" select (engine/access/tenants.py)."""
    sso_label = settings().oidc_label if "oidc" in current_app.extensions["kim"] else None
    return render_template(
        "login.html",
        error=error,
        username=username,
        next_url=None if next_url == "/" else next_url,
        sso_label=sso_label,
        tenants=login_tenants(db()),
        tenant=tenant,
    ), status


@bp.get("/login")
def login():
    """Show the login form (or go on when this browser is logged in already)."""
    next_url = safe_next(request.args.get("next"))
    token = session_token()
    if token:
        try:
            authenticate(db(), token, kind="web")
            return redirect(next_url)
        except Unauthorized:
            pass
    return login_page(next_url=next_url)


@bp.post("/login")
@login_limited
def login_submit():
    """Check the credentials; on success a new session and on to ``next`` (local paths only)."""
    next_url = safe_next(request.args.get("next"))
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    tenant = request.form.get("tenant", "").strip()
    if not csrf_valid():
        return login_page(STALE_FORM, username, next_url, 400, tenant)
    if not username or not password:
        return login_page(MISSING, username, next_url, tenant=tenant)
    refused: LoginRefused | InvalidInput | None = None
    with own_unit() as session:  # committed either way: a refusal counts towards the lockout
        try:
            user = check_password(session, username, password, api_auth.login_policy(), tenant or None)
        except (LoginRefused, InvalidInput) as exc:  # InvalidInput: no tenant chosen although several
            refused = exc
    if refused is not None:
        if isinstance(refused, LoginRefused):
            count_failure()
        return login_page(refused.detail, username, next_url, tenant=tenant)
    start_session(user.id)
    return redirect(next_url, 303)


@bp.post("/logout")
def logout():
    """Revoke the session's web token and forget the session."""
    if session_token() and not csrf_valid():
        return render_template("error.html", message=CSRF_REFUSED), 403
    end_session()
    return redirect(url_for("login.login"), 303)
