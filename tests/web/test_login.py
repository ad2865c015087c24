"""Web login with a session cookie: the German form, lockout, cookie flags, logout, redirects."""

from datetime import timedelta

import pytest

from engine import clock
from tests.web.helpers import csrf_from, session_cookie, submit_login, web_login

WRONG = "Benutzername oder Passwort ist falsch."


@pytest.fixture
def travel():
    yield clock.advance
    clock.reset()


def test_login_page_is_german_and_accessible(client):
    r = client.get("/login")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.text
    assert '<html lang="de">' in html
    assert "<h1>Anmelden</h1>" in html
    assert '<label for="username">Benutzername</label>' in html and 'id="username"' in html
    assert '<label for="password">Passwort</label>' in html and 'id="password"' in html
    assert '<button type="submit">Anmelden</button>' in html
    assert "Mit dem Kreis-Konto anmelden" not in html  # no single sign-on configured
    assert client.get("/static/kim.css").status_code == 200


def test_pages_need_a_session(client):
    r = client.get("/")
    assert r.status_code == 302 and r.headers["Location"] == "/login"
    r = client.get("/?filter=offen")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login?next=")


def test_login_leads_to_the_start_page_with_the_display_name(client):
    r = submit_login(client, "cm-borchen")
    assert r.status_code == 303 and r.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Meine Aufgaben" in page.text and "Abmelden" in page.text
    assert "Angemeldet als" in page.text
    # Logged in already: the login page goes straight on.
    assert client.get("/login").status_code == 302


def test_wrong_password_shows_the_error_inline(client):
    r = submit_login(client, "cm-borchen", "falsch")
    assert r.status_code == 200
    assert WRONG in r.text and 'role="alert"' in r.text
    assert 'value="cm-borchen"' in r.text  # the name stays filled in
    assert client.get("/").status_code == 302  # not logged in
    r = submit_login(client, "niemand", "falsch")
    assert WRONG in r.text  # unknown names look the same


def test_empty_fields_and_a_missing_csrf_token_are_refused(client):
    client.get("/login")
    r = client.post("/login", data={"username": "cm-borchen", "password": "demo"})
    assert r.status_code == 400 and "noch einmal anmelden" in r.text
    assert client.get("/").status_code == 302
    r = submit_login(client, "cm-borchen", "")
    assert "Bitte Benutzername und Passwort eingeben." in r.text


def test_five_failures_lock_the_account_until_the_lockout_ends(client, travel):
    for _ in range(5):
        assert WRONG in submit_login(client, "cm-borchen", "falsch").text
    r = submit_login(client, "cm-borchen", "demo")
    assert r.status_code == 200 and "gesperrt" in r.text and "Fehlversuchen" in r.text
    assert client.get("/").status_code == 302
    travel(timedelta(minutes=16))
    r = submit_login(client, "cm-borchen", "demo")
    assert r.status_code == 303
    assert client.get("/").status_code == 200


def test_session_cookie_flags(client):
    r = submit_login(client, "cm-borchen")
    (cookie,) = [c for c in r.headers.getlist("Set-Cookie") if c.startswith("kim_session=")]
    flags = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    assert "secure" not in flags  # KIM_SESSION_COOKIE_SECURE off (plain http in tests)


def test_secure_setting_makes_a_host_only_secure_cookie(settings):
    from dataclasses import replace

    from api.app import create_app

    app = create_app(replace(settings, session_cookie_secure=True))
    try:
        r = app.test_client().get("/login", base_url="https://localhost")
        cookie = r.headers["Set-Cookie"]
        assert cookie.startswith("__Host-kim_session=")
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    finally:
        app.extensions["kim"]["engine"].dispose()


def test_login_starts_a_fresh_session(client):
    before = csrf_from(client.get("/login").text)
    web_login(client)
    # The CSRF token of the anonymous session is worthless after login (no session fixation).
    r = client.post("/api/v1/cases", json={}, headers={"X-CSRFToken": before})
    assert r.status_code == 403


def test_logout_revokes_the_session(client):
    csrf = web_login(client)
    old = session_cookie(client).value
    assert client.get("/api/v1/tasks").status_code == 200
    r = client.post("/logout", data={"csrf_token": csrf})
    assert r.status_code == 303 and r.headers["Location"] == "/login"
    assert session_cookie(client) is None
    # The old cookie, replayed, no longer works: its web token is revoked.
    client.set_cookie("kim_session", old)
    assert client.get("/").status_code == 302
    client.set_cookie("kim_session", old)
    r = client.get("/api/v1/tasks")
    assert r.status_code == 401 and r.mimetype == "application/problem+json"


def test_logout_needs_the_csrf_token(client):
    web_login(client)
    r = client.post("/logout")
    assert r.status_code == 403 and "CSRF" in r.text
    assert client.get("/").status_code == 200  # still logged in


def test_api_logout_ends_the_web_session(client):
    csrf = web_login(client)
    assert client.delete("/api/v1/auth/token", headers={"X-CSRFToken": csrf}).status_code == 204
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_next_only_goes_to_local_paths(client, target):
    r = submit_login(client, "cm-borchen", next_url=target)
    assert r.status_code == 303 and r.headers["Location"] == "/"


def test_next_to_a_local_page_is_kept(client):
    r = submit_login(client, "cm-borchen", next_url="/?filter=offen")
    assert r.status_code == 303 and r.headers["Location"] == "/?filter=offen"
