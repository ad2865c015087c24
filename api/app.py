"""The Flask application factory."""
from __future__ import annotations

import swagger_ui_bundle
from flask import Flask, request, send_from_directory

from engine import crypto, logs, metrics
from engine.access.service import authenticate
from engine.audit import keys as audit_keys
from engine.config import Settings
from engine.db import make_engine, make_session_factory
from engine.errors import Unauthorized

from . import errors, observability, ratelimit, web
from . import metrics as metrics_view
from .context import close_session, db
from .input_guard import refuse_nul
from .openapi import make_api
from .views import (
    auth,
    cases,
    followups,
    forms,
    health,
    incidents,
    privacy,
    processes,
    referrals,
    runs,
    tasks,
)

PUBLIC_BLUEPRINTS = {"health", "auth.token", "api-docs", "swagger_assets", metrics_view.ENDPOINT}
SWAGGER_ASSETS = "/api/v1/swagger-ui-assets"


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app for ``settings`` (default: from KIM_* environment variables)."""
    settings = settings or Settings.from_env()
    crypto.configure(settings)  # keys for personal data at rest
    audit_keys.configure(settings)  # the audit trail's MAC keys
    logs.configure(settings.log_level, settings.log_format)
    app = Flask(__name__)
    observability.init_app(app)  # first hooks: request id and timing cover every answer
    # Form schemas keep their field order (Flask 3 ignores JSON_SORT_KEYS; the provider decides).
    app.json.sort_keys = False
    app.config.update(
        API_TITLE="KIM Fallprozesse", API_VERSION="v1", OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1", OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs", OPENAPI_SWAGGER_UI_URL=SWAGGER_ASSETS + "/",
        MAX_CONTENT_LENGTH=2 * 1024 * 1024, JSON_SORT_KEYS=False,
        API_SPEC_OPTIONS={
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    )
    engine = make_engine(settings.database_url)
    metrics.instrument_pool(engine)
    app.extensions["kim"] = {"settings": settings, "engine": engine,
                             "sessions": make_session_factory(engine)}
    api = make_api(app, PUBLIC_BLUEPRINTS)  # problem+json errors documented; bounded path ids
    app.extensions["kim"]["api"] = api
    for module in (health, auth, cases, tasks, followups, incidents, privacy, referrals, processes, forms, runs):
        api.register_blueprint(module.blp)
    from .views import bodies, reports, topics  # escalation path (Baustein 1) and programme figures

    for module in (topics, bodies, reports):
        api.register_blueprint(module.blp)

    @app.route(SWAGGER_ASSETS + "/<path:filename>", endpoint="swagger_assets")
    def swagger_assets(filename):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)

    app.before_request(refuse_nul)

    @app.before_request
    def _authenticate():
        public = PUBLIC_BLUEPRINTS | web.PUBLIC
        if request.blueprint in public or request.endpoint in public:
            return None
        if not request.path.startswith("/api/"):
            return web.require_login()  # pages: the session cookie, else off to /login
        from flask import g

        header = request.headers.get("Authorization", "")
        if not header and web.session_token():
            g.user = web.cookie_user(web.session_token())  # unsafe methods need the CSRF token
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Bitte mit einem Bearer-Token anmelden (POST /api/v1/auth/token).")
        g.user = authenticate(db(), token.strip())
        return None

    metrics_view.init_app(app)  # GET /metrics: loopback or KIM_METRICS_TOKEN (it checks itself)
    web.init_app(app, settings)
    ratelimit.init_app(app, settings)  # after every blueprint: it wraps the login views
    app.teardown_appcontext(close_session)
    errors.register(app)
    return app
