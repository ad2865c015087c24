"""The process owners' pages: who may open them, what they load, and that they need no inline code."""

from __future__ import annotations

import json
import re

import pytest

from engine.config import PROJECT_ROOT
from tests.web.helpers import web_login

PAGES = ["/modeler", "/modeler/forms"]


@pytest.mark.parametrize("path", PAGES)
def test_login_first(client, path):
    r = client.get(path)
    assert r.status_code == 302 and r.headers["Location"].endswith("/login?next=" + path)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("username", ["cm-borchen", "coordinator", "admin"])
def test_other_roles_get_a_german_403_page(client, path, username):
    web_login(client, username)
    r = client.get(path)
    assert r.status_code == 403 and r.mimetype == "text/html"
    assert "Prozessverantwortlichen vorbehalten" in r.text


@pytest.mark.parametrize("path", PAGES)
def test_process_owner_page_loads_own_assets_only(client, path):
    web_login(client, "process-owner")
    r = client.get(path)
    assert r.status_code == 200
    html = r.text
    assert '<html lang="de">' in html and re.search(r'<meta name="csrf-token" content="[^"]+">', html)
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script: the CSP forbids it"
    assert " style=" not in html and "<style" not in html
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    # Checked link by link: the navigation's "/" next to "/modeler" is no protocol-relative URL.
    assert not [u for u in re.findall(r'(?:src|href)="([^"]+)"', html) if "//" in u], "no external assets"


def test_modeler_page_has_labelled_controls(client):
    web_login(client, "process-owner")
    html = client.get("/modeler").text
    for label in ("Prüfen", "Als Entwurf speichern", "Bereitstellen", "Neues Diagramm"):
        assert f">{label}</button>" in html
    assert '<label for="file-open"' in html
    forms = client.get("/modeler/forms").text
    assert '<label for="schema">' in forms and '<label for="new-key">' in forms


def test_vendored_bundle_is_there_with_licenses(client):
    web_login(client, "process-owner")
    js = client.get("/static/vendor/bpmn/kim-bpmn-modeler.js")
    assert js.status_code == 200 and b"KimBpmn" in js.data
    assert "no-store" not in js.headers.get("Cache-Control", "")  # static: cacheable
    licenses = client.get("/static/vendor/bpmn/THIRD-PARTY-LICENSES.txt").text
    assert "bpmn-js@" in licenses and "bpmn-js-properties-panel@" in licenses


def test_form_fields_keep_their_order(client, login):
    """The editor's preview (and every form) shows fields in the order the schema lists them."""
    in_file = list(json.loads((PROJECT_ROOT / "forms" / "first_contact.json").read_text())["properties"])
    r = client.get("/api/v1/forms/first_contact", headers=login("process-owner"))
    assert r.status_code == 200
    assert list(json.loads(r.data)["schema"]["properties"]) == in_file
