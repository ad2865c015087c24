"""Optional single sign-on with OpenID Connect (authorization code flow with PKCE).

Registered only when KIM_OIDC_ISSUER and KIM_OIDC_CLIENT_ID are set. The identity provider's
claim ``KIM_OIDC_USERNAME_CLAIM`` names an existing active account of the tenant that the claim
``KIM_OIDC_TENANT_CLAIM`` (or the setting ``KIM_OIDC_TENANT``, or the only tenant) names; nobody
gets an account by signing in. Every failure ends on the login page with a German message, never a 500.
"""

from __future__ import annotations

import logging

from authlib.integrations.flask_client import OAuth, OAuthError
from flask import Blueprint, current_app, redirect, request, session, url_for

from engine.access.service import sso_user
from engine.errors import InvalidInput, Unauthorized

from ..context import db, settings
from .login import login_page
from .session import safe_next, start_session
from .strings import DE

log = logging.getLogger("kim.web.sso")

bp = Blueprint("sso", __name__)

NEXT_KEY = "sso_next"
TIMEOUT_SECONDS = 10
UNAVAILABLE, DENIED, FAILED, NO_NAME, NO_TENANT = (
    DE["sso_unavailable"],
    DE["sso_denied"],
    DE["sso_failed"],
    DE["sso_no_name"],
    DE["sso_no_tenant"],
)


def init_app(app, settings) -> None:
    """Register the provider (metadata is fetched on first use) and the two routes."""
    client_kwargs = {
        "scope": "openid profile email",
        "code_challenge_method": "S256",
        "default_timeout": TIMEOUT_SECONDS,
    }
    if not settings.oidc_client_secret:  # a public client: PKCE only
        client_kwargs["token_endpoint_auth_method"] = "none"
    client = OAuth(app).register(
        "kim",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret or None,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs=client_kwargs,
    )
    app.extensions["kim"]["oidc"] = client
    app.register_blueprint(bp)


def _tenant(claims: dict) -> str | None:
    """The tenant key of the identity: from the configured claim (None when it lacks it), else the
    configured tenant, else "" (the only tenant). Never from the browser: the login form's choice
    would let one county's identity act as another county's account of the same name."""
    claim = settings().oidc_tenant_claim
    if claim:
        value = claims.get(claim)
        return value.strip() if isinstance(value, str) and value.strip() else None
    return settings().oidc_tenant


def _client():
    return current_app.extensions["kim"]["oidc"]


@bp.get("/login/sso")
def start():
    """Send the browser to the identity provider."""
    next_url = safe_next(request.args.get("next"))
    session[NEXT_KEY] = next_url
    # The provider fails in many library exception types (requests, Authlib, joserfc); whatever it
    # is, people get the login page with a message, never a 500.
    try:
        return _client().authorize_redirect(url_for("sso.callback", _external=True))
    except Exception as exc:  # noqa: BLE001
        log.warning("OIDC provider unavailable: %s: %s", exc.__class__.__name__, exc)
        return login_page(UNAVAILABLE, next_url=next_url, status=502)


@bp.get("/login/sso/callback")
def callback():
    """Back from the provider: check the code, map the identity to an account, start the session."""
    next_url = safe_next(session.get(NEXT_KEY))
    claim = settings().oidc_username_claim
    try:
        token = _client().authorize_access_token()
        claims = dict(token.get("userinfo") or {})
        if not claims.get(claim) and _client().server_metadata.get("userinfo_endpoint"):
            claims.update(_client().userinfo(token=token))
    except OAuthError as exc:
        log.info("OIDC login refused: %s", exc.error)
        if exc.error == "access_denied":
            return login_page(DENIED, next_url=next_url)
        return login_page(FAILED, next_url=next_url, status=400)
    except Exception as exc:  # noqa: BLE001 - network, signature, claims: details go to the log only
        log.warning("OIDC login failed: %s: %s", exc.__class__.__name__, exc)
        return login_page(FAILED, next_url=next_url, status=502)
    user_id, refusal = _account(claims, claim)
    if user_id is None:
        return login_page(refusal, next_url=next_url)
    start_session(user_id)
    return redirect(next_url, 303)


def _account(claims: dict, claim: str) -> tuple[int | None, str]:
    """The id of the account the identity maps to, or None and the German reason why none."""
    username = claims.get(claim)
    if not isinstance(username, str) or not username.strip():
        log.warning("OIDC identity without the claim %r", claim)
        return None, NO_NAME
    tenant = _tenant(claims)
    if tenant is None:
        log.warning("OIDC identity without the tenant claim %r", settings().oidc_tenant_claim)
        return None, NO_TENANT
    try:
        return sso_user(db(), username.strip(), tenant or None).id, ""
    except InvalidInput:  # several tenants and none configured
        log.warning("OIDC login without a tenant: set KIM_OIDC_TENANT_CLAIM or KIM_OIDC_TENANT")
        return None, NO_TENANT
    except Unauthorized as exc:
        log.info("OIDC identity without an active account")
        return None, exc.detail
