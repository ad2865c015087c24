"""Logging in through the web form in tests."""

from __future__ import annotations

import re

from tests.tenant_login import tenant_of

_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def csrf_from(html: str) -> str:
    """The CSRF token a page hands to its forms (form field, else the meta tag)."""
    match = _FIELD.search(html) or _META.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def submit_login(
    client, username: str, password: str = "demo", next_url: str | None = None, tenant: str | None = None
):
    """Open the login page and submit it (with the county when there are several); the POST's answer."""
    query = {"next": next_url} if next_url is not None else {}
    page = client.get("/login", query_string=query)
    data = {"username": username, "password": password, "csrf_token": csrf_from(page.text)}
    county = tenant or tenant_of(client.application, username)
    if county:
        data["tenant"] = county
    return client.post("/login", query_string=query, data=data)


def web_login(client, username: str = "cm-borchen") -> str:
    """Log in through the form; returns the CSRF token of the new session (from the start page)."""
    r = submit_login(client, username)
    assert r.status_code == 303, r.text
    return csrf_from(client.get("/").text)


def session_cookie(client):
    return client.get_cookie("kim_session")


# In the browser (Playwright) against the live server.


def site(server) -> str:
    """The pages' base URL of a live server (its ``url`` is the API's)."""
    return server.url.removesuffix("/api/v1")


def browser_login(page, base: str, username: str, password: str = "demo") -> None:
    """Log in through the German login form and wait for the start page."""
    page.goto(base + "/login")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(base + "/")
