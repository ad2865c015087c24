"""The web side: login with a session cookie, CSRF protection, security headers, optional OIDC."""

from __future__ import annotations

from datetime import timedelta

from . import (
    admin,
    agency,
    case_actions,
    casefile,
    cases,
    checks,
    dashboard,
    flashes,
    goals,
    headers,
    insight,
    layout,
    login,
    meetings,
    members,
    modeler,
    offers,
    pages,
    privacy_pages,
    referrals,
    sheets,
    state,
    tasks,
    topic_actions,
    topics,
)
from .secret import secret_key
from .session import cookie_user, csrf, require_login, session_token

# Reachable without a session (the API's public endpoints are listed in api/app.py).
PUBLIC = {"login", "sso", "static"}

__all__ = ["PUBLIC", "cookie_user", "init_app", "require_login", "session_token"]


def init_app(app, settings) -> None:
    """Session cookie, CSRF, pages, headers and (when configured) single sign-on."""
    secure = settings.session_cookie_secure
    app.secret_key = secret_key(settings)
    app.config.update(
        # "__Host-" makes browsers refuse the cookie unless Secure, host-only and for path /.
        SESSION_COOKIE_NAME="__Host-kim_session" if secure else "kim_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        # The signed cookie is refused after this; the web token in it expires at the same time.
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        WTF_CSRF_CHECK_DEFAULT=False,  # checked in _authenticate, for cookie sessions only
        WTF_CSRF_TIME_LIMIT=None,  # valid as long as the session
        # Referrer-Policy no-referrer means browsers send no Referer for the strict check to compare.
        WTF_CSRF_SSL_STRICT=False,
    )
    csrf.init_app(app)
    app.register_blueprint(login.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(cases.bp)  # Fälle, case page, follow-ups
    app.register_blueprint(casefile.bp)  # the case file: notes, documents, completed forms
    app.register_blueprint(referrals.bp)  # Verweisungen: sending one from the case page
    app.register_blueprint(members.bp)  # the case page's Haushalt: add, change, leave
    app.register_blueprint(goals.bp)  # the case page's goals: add, drop
    app.register_blueprint(sheets.bp)  # client sheets: a case's PDFs, the tenant's catalogues
    app.register_blueprint(checks.bp)  # the case page's checks: a missing criterion becomes a goal
    layout.init_app(app)  # texts, navigation by role, Berlin dates
    app.register_blueprint(modeler.bp)  # process owners: BPMN modeler and form editor
    app.register_blueprint(tasks.bp)  # case managers: the task forms
    app.register_blueprint(dashboard.bp)  # coordinators and the Lenkungsgruppe: escalations, figures
    app.register_blueprint(topics.bp)  # the topics' trails
    app.register_blueprint(topic_actions.bp)  # the escalation path: raise a topic, decide its step
    app.register_blueprint(meetings.bp)  # Sitzungen: plan, agenda, minutes, PDF
    app.register_blueprint(admin.bp)  # the administration's accounts and organisation
    app.register_blueprint(insight.bp)  # diagrams of a case's progress, heat maps, event logs
    app.register_blueprint(state.bp)  # the state-level role: every county's figures side by side
    app.register_blueprint(privacy_pages.bp)  # the data-protection officer: trail, Art. 15 letter, holds
    case_actions.init_app(app)  # the case page's actions: withdrawals, follow-up, topic from a case
    flashes.init_app(app)  # the last action's message on whatever page the user lands on
    offers.init_app(app)  # the offers directory, its sections on the case page and the dashboard
    app.register_blueprint(agency.bp)  # the agencies' referrals; the coordinators' overview per agency
    if settings.oidc_issuer and settings.oidc_client_id:
        from . import sso  # Authlib and requests only where single sign-on is used

        sso.init_app(app, settings)
    headers.init_app(app, settings)
