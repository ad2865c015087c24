"""Cookie sessions on the API need the CSRF token for changes; bearer clients do not; security headers."""

import base64
import hashlib
import re

from tests.api.helpers import CLIENT
from tests.web.helpers import web_login

NEW_CASE = {"municipality": "Borchen", "client": CLIENT}


def test_cookie_session_reads_the_api(client):
    web_login(client)
    r = client.get("/api/v1/tasks")
    assert r.status_code == 200 and "items" in r.json


def test_cookie_post_without_csrf_token_is_refused(client):
    web_login(client)
    r = client.post("/api/v1/cases", json=NEW_CASE)
    assert r.status_code == 403
    assert r.mimetype == "application/problem+json"
    assert "CSRF" in r.json["detail"] and r.json["title"] == "Keine Berechtigung"
    assert client.get("/api/v1/cases").json["total"] == 0  # nothing was saved
    r = client.post("/api/v1/cases", json=NEW_CASE, headers={"X-CSRFToken": "gefälscht"})
    assert r.status_code == 403


def test_cookie_post_with_csrf_token_passes(client):
    csrf = web_login(client)
    r = client.post("/api/v1/cases", json=NEW_CASE, headers={"X-CSRFToken": csrf})
    assert r.status_code == 201, r.json
    assert client.get("/api/v1/cases").json["total"] == 1


def test_bearer_clients_need_no_csrf_token(app, login):
    fresh = app.test_client()  # no cookies at all
    r = fresh.post("/api/v1/cases", json=NEW_CASE, headers=login("cm-borchen"))
    assert r.status_code == 201, r.json
    assert fresh.get_cookie("kim_session") is None  # the API sets no session cookie


def test_bearer_wins_over_a_session_cookie(client, login):
    web_login(client, "coordinator")  # may not open cases
    r = client.post("/api/v1/cases", json=NEW_CASE, headers=login("cm-borchen"))
    assert r.status_code == 201, r.json


def test_unsafe_web_request_needs_the_csrf_token(client):
    web_login(client)
    r = client.post("/")
    assert r.status_code == 403 and "CSRF" in r.text


def _assert_common(r):
    h = r.headers
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["X-Frame-Options"] == "DENY"
    assert h["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in h["Permissions-Policy"] and "geolocation=()" in h["Permissions-Policy"]
    assert h["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in h  # plain http in tests


def test_security_headers_on_pages(client):
    r = client.get("/login")
    _assert_common(r)
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self';" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers["Cache-Control"] == "no-store"
    web_login(client)
    r = client.get("/")
    _assert_common(r)
    assert r.headers["Cache-Control"] == "no-store"


def test_security_headers_on_api_answers(client, login):
    r = client.get("/api/v1/tasks", headers=login("cm-borchen"))
    _assert_common(r)
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["Content-Security-Policy"].startswith("default-src 'none'")
    r = client.get("/api/v1/tasks")  # a 401 problem gets them too
    assert r.status_code == 401
    _assert_common(r)


def test_static_assets_may_be_cached(client):
    r = client.get("/static/kim.css")
    _assert_common(r)
    assert "no-store" not in r.headers.get("Cache-Control", "")


def test_swagger_ui_allows_only_its_own_inline_script(client):
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    _assert_common(r)
    csp = r.headers["Content-Security-Policy"]
    (script,) = re.findall(r"<script>(.*?)</script>", r.text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'", f"'sha256-{digest}'"]
    # ... and the assets it loads come from the app itself.
    assert client.get("/api/v1/swagger-ui-assets/swagger-ui-bundle.js").status_code == 200
