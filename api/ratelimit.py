"""Rate limits of the login endpoints: every attempt per client address, failures per user name.

One Flask-Limiter per app (tests build many apps; each gets its own counters). Views are marked with
``login_limited``; ``init_app`` wraps the marked views once all blueprints are registered. Failures
per user name are counted per client address too: a burst from one address gets 429, while the
same account stays usable from every other client; the account lockout stays as the second line
against guessing from many addresses (docs/security.md).
"""

from __future__ import annotations

import hashlib
import math
import time

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded

from engine.config import Settings

from .errors import too_many_requests
from .login_marks import MARK, login_failed
from .web.login import login_page  # the web form answers a refusal with its page

DETAIL = "Zu viele Anmeldeversuche von dieser Adresse. Bitte in {seconds} Sekunden erneut versuchen."


def client_address() -> str:
    """The client's address: the connection's, or the entry our trusted proxies added to X-Forwarded-For."""
    hops = current_app.extensions["kim"]["settings"].trusted_proxies
    if hops > 0:
        forwarded = [
            part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.remote_addr or "unknown"


def _username() -> str:
    body = request.get_json(silent=True) if request.is_json else None
    name = body.get("username") if isinstance(body, dict) else request.form.get("username")
    return name if isinstance(name, str) else ""


def _tenant() -> str:
    body = request.get_json(silent=True) if request.is_json else None
    key = body.get("tenant") if isinstance(body, dict) else request.form.get("tenant")
    return key if isinstance(key, str) else ""


def user_at_address() -> str:
    """The tenant and user name tried (hashed: no user names in the limiter's storage) from this
    client address: user names are unique per tenant only."""
    tried = f"{_tenant()}\n{_username()}" if _tenant() else _username()
    name = hashlib.sha256(tried.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{client_address()}|{name}"


def _failed(response) -> bool:
    return response.status_code == 401 or login_failed()


def init_app(app: Flask, settings: Settings) -> Limiter:
    """The app's limiter, applied to every view marked ``login_limited``."""
    app.config.update(
        RATELIMIT_ENABLED=settings.ratelimit_enabled,
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_uri,
        # moving window: no burst of twice the limit across a window boundary
        RATELIMIT_STRATEGY="moving-window",
        RATELIMIT_HEADERS_ENABLED=False,
    )
    limiter = Limiter(key_func=client_address, app=app)
    per_address = limiter.limit(
        settings.login_rate_per_address, key_func=client_address, scope="login-address"
    )
    per_user = limiter.limit(
        settings.login_failures_per_user, key_func=user_at_address, scope="login-user", deduct_when=_failed
    )
    limited = set()
    for endpoint, view in list(app.view_functions.items()):
        if getattr(view, MARK, False):
            # Flask-Limiter types the wrapper as sync-or-async; the views it wraps here are sync.
            app.view_functions[endpoint] = per_address(per_user(view))  # type: ignore[assignment]
            limited.add(endpoint)

    @limiter.request_filter
    def _no_login() -> bool:
        # Only the login views have limits; every other request skips the limiter's look-up of the
        # view's limits (3 % of a task completion).
        return request.endpoint not in limited

    @app.errorhandler(RateLimitExceeded)
    def _refused(exc: RateLimitExceeded):
        current = limiter.current_limit
        reset_at = current.reset_at if current is not None else time.time() + 60
        seconds = max(1, math.ceil(reset_at - time.time()))
        if current is not None:  # reset_at is rounded up to a whole second: never more than the window
            seconds = min(seconds, current.limit.get_expiry())
        detail = DETAIL.format(seconds=seconds)
        if request.path.startswith("/api/"):
            return too_many_requests(detail, seconds)
        body, status = login_page(detail, _username(), "/", 429)
        return body, status, {"Retry-After": str(seconds)}

    app.extensions["kim"]["limiter"] = limiter
    return limiter
