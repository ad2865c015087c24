"""Errors on pages answer with a German page in the site's layout; the API under /api keeps its
problem+json documents; /favicon.ico is there for every browser, logged in or not."""

from __future__ import annotations

from tests.web.helpers import web_login


def _boom():
    raise RuntimeError("a bug, not a user error")


def _is_page(r, status: int, heading: str) -> None:
    assert r.status_code == status, r.text
    assert r.mimetype == "text/html"
    assert '<html lang="de">' in r.text and f"<h1>{heading}</h1>" in r.text
    assert f"Fehler {status}" in r.text and "Zur Startseite" in r.text
    assert "problems/" not in r.text and "Traceback" not in r.text


def test_unknown_addresses_and_wrong_methods_show_german_pages(client):
    csrf = web_login(client, "cm-borchen")
    r = client.get("/gibt-es-nicht")
    _is_page(r, 404, "Seite nicht gefunden")
    assert "Diese Adresse gibt es nicht" in r.text and "Abmelden" in r.text  # the navigation stays
    r = client.post("/followups", data={"csrf_token": csrf})
    _is_page(r, 405, "Nicht möglich")
    assert r.headers["Allow"].startswith("GET") or "GET" in r.headers["Allow"]
    _is_page(client.get("/static/gibt-es-nicht.css"), 404, "Seite nicht gefunden")


def test_the_api_keeps_its_problem_documents(client, login):
    headers = login("cm-borchen")
    r = client.get("/api/v1/gibt-es-nicht", headers=headers)
    assert r.status_code == 404 and r.mimetype == "application/problem+json"
    assert r.json["title"] == "Nicht gefunden"
    web_login(client, "cm-borchen")
    r = client.get("/api/v1/cases/999999")  # with the session cookie, still the API
    assert r.status_code == 404 and r.mimetype == "application/problem+json"


def test_a_bug_on_a_page_is_a_german_500_page_and_in_the_api_a_problem(app, client):
    app.add_url_rule("/kaputt", "kaputt", _boom)
    app.add_url_rule("/api/v1/kaputt", "api_kaputt", _boom)
    web_login(client, "cm-borchen")
    r = client.get("/kaputt")
    _is_page(r, 500, "Interner Fehler")
    assert "Es wurde nichts gespeichert" in r.text and "a bug" not in r.text
    r = client.get("/api/v1/kaputt")
    assert r.status_code == 500 and r.mimetype == "application/problem+json"
    assert r.json["type"].endswith("/internal-error")


def test_a_refused_page_is_a_german_403_page(client):
    web_login(client, "cm-borchen")
    r = client.get("/modeler")
    assert r.status_code == 403 and r.mimetype == "text/html" and '<html lang="de">' in r.text


def test_the_favicon_is_served_to_anyone_and_linked_on_every_page(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "no-store" not in r.headers.get("Cache-Control", "")
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    login_page = client.get("/login").text
    assert 'rel="icon" href="/static/favicon.svg"' in login_page and 'href="/favicon.ico"' in login_page
