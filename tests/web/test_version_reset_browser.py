"""In headless Chromium against the real server: a county's own versions show as such in the modeler and
the form editor, and the process owner resets them to the shared base after confirming (a cancelled
confirmation changes nothing)."""

from __future__ import annotations

import requests

from engine.config import PROJECT_ROOT

from .test_modeler_browser import _login, _site, browser, page  # noqa: F401 - the fixtures

LIFECYCLE = (PROJECT_ROOT / "processes" / "case_lifecycle.bpmn").read_bytes()


def _own_versions(server, owner: dict) -> None:
    """The county's own consent form and lifecycle version, through the API."""
    consent = requests.get(server.url + "/forms/consent", headers=owner, timeout=30).json()
    r = requests.put(
        server.url + "/forms/consent",
        json={"schema": {**consent["schema"], "title": "Einwilligung des Kreises"}},
        headers=owner,
        timeout=30,
    )
    assert r.status_code == 200 and r.json()["source"] == "tenant", r.text
    xml = LIFECYCLE.replace('name="Erstgespräch"'.encode(), 'name="Erstgespräch (Kreis)"'.encode(), 1)
    r = requests.post(
        server.url + "/processes", data=xml, headers={**owner, "Content-Type": "application/xml"}, timeout=30
    )
    assert r.status_code == 201, r.text
    r = requests.post(
        server.url + "/processes/case_lifecycle/deploy",
        json={"version": r.json()["version"]},
        headers=owner,
        timeout=30,
    )
    assert r.status_code == 200 and r.json()["source"] == "tenant", r.text


def _current(server, owner: dict) -> tuple[str, str]:
    form = requests.get(server.url + "/forms/consent", headers=owner, timeout=30).json()
    processes = requests.get(server.url + "/processes", headers=owner, timeout=30).json()["items"]
    (lifecycle,) = [p for p in processes if p["process_id"] == "case_lifecycle"]
    return form["source"], lifecycle["current_source"]


def test_owner_resets_form_and_process_to_the_base_after_confirming(live_server, page):  # noqa: F811
    site = _site(live_server)
    owner = live_server.token("process-owner")
    _own_versions(live_server, owner)

    # The form editor: the own version is marked; cancelling the confirmation keeps it.
    _login(page, site, "/modeler/forms?form=consent")
    page.wait_for_selector("#form-source >> text=eigene Version des Kreises")
    assert page.locator("#forms").get_by_text("eigene Version des Kreises").count() == 1
    reset = page.get_by_role("button", name="Zur Basisversion zurückkehren")
    page.once("dialog", lambda dialog: dialog.dismiss())
    reset.click()
    assert _current(live_server, owner) == ("tenant", "tenant")
    page.once("dialog", lambda dialog: dialog.accept())
    reset.click()
    page.wait_for_selector("#status.ok >> text=verwendet wieder die Basisversion")
    page.wait_for_selector("#form-source >> text=Basisversion")
    assert page.locator("#btn-reset-form").is_hidden()
    assert _current(live_server, owner) == ("base", "tenant")

    # The modeler: the process list says whose version is current; the reset needs a confirmation too.
    page.goto(site + "/modeler")
    lifecycle = page.locator(".proc", has=page.get_by_text("case_lifecycle", exact=True))
    lifecycle.get_by_text("eigene Version des Kreises").first.wait_for()
    assert lifecycle.locator(".versions .badge.source").all_inner_texts() == [
        "eigene Version des Kreises",
        "Basisversion",
    ]
    page.once("dialog", lambda dialog: dialog.accept())
    lifecycle.get_by_role("button", name="Zur Basisversion zurückkehren").click()
    page.wait_for_selector("#status.ok >> text=verwendet wieder die Basisversion")
    page.locator(".proc", has=page.get_by_text("case_lifecycle", exact=True)).locator(
        "p.source >> text=Basisversion"
    ).wait_for()
    assert _current(live_server, owner) == ("base", "base")
    assert page.errors == []
