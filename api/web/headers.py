"""Security headers on every response."""

from __future__ import annotations

import base64
import hashlib
import re

from flask import request

# Pages: own origin only, no inline scripts or styles, never framed.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Anything that is not HTML (JSON, problem documents) has nothing to load at all.
DATA_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
DOCS_ENDPOINT = "api-docs.openapi_swagger_ui"
CACHEABLE = {"static", "swagger_assets"}  # assets without personal data
PERMISSIONS = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
HSTS = "max-age=31536000"

_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def docs_csp(body: bytes) -> str:
    """The Swagger UI page's policy: its own inline start-up script by hash, inline styles."""
    digests = (
        base64.b64encode(hashlib.sha256(script).digest()).decode() for script in _INLINE_SCRIPT.findall(body)
    )
    hashes = " ".join(f"'sha256-{digest}'" for digest in digests)
    return (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


def init_app(app, settings) -> None:
    """Add the headers after every request (errors and redirects included)."""
    https = settings.session_cookie_secure

    @app.after_request
    def _security_headers(response):
        h = response.headers
        if request.endpoint == DOCS_ENDPOINT and response.mimetype == "text/html":
            h["Content-Security-Policy"] = docs_csp(response.get_data())
        elif response.mimetype == "text/html":
            h["Content-Security-Policy"] = PAGE_CSP
        else:
            h["Content-Security-Policy"] = DATA_CSP
        h["X-Content-Type-Options"] = "nosniff"
        h["X-Frame-Options"] = "DENY"
        h["Referrer-Policy"] = "no-referrer"
        h["Permissions-Policy"] = PERMISSIONS
        h["Cross-Origin-Opener-Policy"] = "same-origin"
        h["Cross-Origin-Resource-Policy"] = "same-origin"
        if request.endpoint not in CACHEABLE:
            # Pages and API answers may hold personal data: no browser or proxy keeps a copy.
            h["Cache-Control"] = "no-store"
        if https:
            h["Strict-Transport-Security"] = HSTS
        return response
