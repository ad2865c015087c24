"""The Flask application factory."""

from __future__ import annotations

import swagger_ui_bundle
from flask import Flask, g, request, send_from_directory

from engine import crypto, hooks, logs, metrics
from engine.audit import keys as audit_keys
from engine.config import Settings
from engine.db import make_engine, make_session_factory
from engine.errors import Unauthorized
from engine.processes import service as process_service

from . import errors, observability, ratelimit, state_fence, web
from . import metrics as metrics_view
from .context import authenticated, close_session, finish_request, start_request
from .input_guard import refuse_nul
from .json_provider import JSONProvider
from .openapi import make_api
from .views import (
    agency_referrals,
    auth,
    bodies,
    case_referrals,
    casefile,
    cases,
    checks,
    followups,
    forms,
    goals,
    health,
    incidents,
    insight,
    members,
    offers,
    privacy,
    processes,
    referral_overview,
    referrals,
    reports,
    runs,
    sheets,
    state,
    tasks,
    topics,
)

PUBLIC_BLUEPRINTS = {"health", "auth.token", "api-docs", "swagger_assets", metrics_view.ENDPOINT}
# Requests that never write: their unit of work (if they touch the database at all) reads only.
READ_ONLY = {"health", "api-docs", "swagger_assets", "static", metrics_view.ENDPOINT}
SWAGGER_ASSETS = "/api/v1/swagger-ui-assets"


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app for ``settings`` (default: from KIM_* environment variables)."""
    settings = settings or Settings.from_env()
    crypto.configure(settings)  # keys for personal data at rest
    audit_keys.configure(settings)  # the audit trail's MAC keys
    hooks.wire()  # what runs after each process step (engine/hooks.py)
    process_service.keep_workflows(settings.kept_workflows)  # workflows kept between steps
    logs.configure(settings.log_level, settings.log_format)
    app = Flask(__name__)
    observability.init_app(app)  # first hooks: request id and timing cover every answer
    app.json = JSONProvider(app)  # answers by orjson; form schemas keep their field order
    app.config.update(
        API_TITLE="KIM Fallprozesse",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL=SWAGGER_ASSETS + "/",
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        JSON_SORT_KEYS=False,
        API_SPEC_OPTIONS={
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    )
    engine = make_engine(settings.database_url)
    metrics.instrument_pool(engine)
    app.extensions["kim"] = {"settings": settings, "engine": engine, "sessions": make_session_factory(engine)}
    api = make_api(app, PUBLIC_BLUEPRINTS)  # problem+json errors documented; bounded path ids
    app.extensions["kim"]["api"] = api
    # topics and bodies: the escalation path (Baustein 1); reports: the programme figures
    for module in (
        health,
        auth,
        cases,
        casefile,
        goals,
        tasks,
        followups,
        incidents,
        privacy,
        referrals,
        case_referrals,
        processes,
        forms,
        runs,
        topics,
        bodies,
        reports,
        members,
        insight,
        offers,  # the offers directory, its gaps and the Ist-/Bedarfsanalyse
        sheets,
        *(agency_referrals, referral_overview),  # the agencies' workspace and the overview
        checks,
        state,  # the state-level role: every county's figures side by side, the controlling export
    ):
        api.register_blueprint(module.blp)

    @app.route(SWAGGER_ASSETS + "/<path:filename>", endpoint="swagger_assets")
    def swagger_assets(filename):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)

    @app.before_request
    def _unit_of_work():
        # Authenticated requests write audit rows (and logins write tokens): they take the
        # write lock on SQLite when they first touch the database; the rest only read.
        start_request(write=not (request.blueprint in READ_ONLY or request.endpoint in READ_ONLY))

    app.before_request(refuse_nul)

    @app.before_request
    def _authenticate():
        public = PUBLIC_BLUEPRINTS | web.PUBLIC
        if request.blueprint in public or request.endpoint in public:
            return None
        if not request.path.startswith("/api/"):
            return web.require_login()  # pages: the session cookie, else off to /login
        header = request.headers.get("Authorization", "")
        if not header:  # the session cookie only then: a bearer request leaves the session untouched
            cookie = web.session_token()
            if cookie:
                g.user = web.cookie_user(cookie)  # unsafe methods need the CSRF token
                return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Bitte mit einem Bearer-Token anmelden (POST /api/v1/auth/token).")
        authenticated(token.strip())
        return None

    app.before_request(state_fence.fence)  # after authentication: state accounts reach only their view

    metrics_view.init_app(app)  # GET /metrics: loopback or KIM_METRICS_TOKEN (it checks itself)
    web.init_app(app, settings)
    ratelimit.init_app(app, settings)  # after every blueprint: it wraps the login views
    app.teardown_appcontext(close_session)
    errors.register(app)

    @app.after_request
    def _commit(response):
        # Registered last so that it runs first: a failing commit becomes the answer
        # (problem+json) that the other after_request hooks then see.
        try:
            return finish_request(response)
        except Exception as exc:  # noqa: BLE001 - answered by the app's error handlers
            return app.make_response(app.handle_user_exception(exc))

    return app
