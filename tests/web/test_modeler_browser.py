"""In headless Chromium against the real server: a process owner creates a form, adds a user task with it
to the lifecycle in the modeler and deploys it; new cases get the task, a case started before does not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from engine.config import PROJECT_ROOT
from tests import lifecycle_data as d
from tests.api.helpers import CLIENT

from .helpers import browser_login

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 20_000

from playwright import sync_api  # noqa: E402 - the test extras install it

# The new form, as the process owner types it into the editor.
WELCOME_FORM = """{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Begrüßungsanruf",
  "type": "object",
  "additionalProperties": false,
  "required": ["call_date", "reached"],
  "properties": {
    "call_date": {"title": "Datum des Anrufs", "type": "string", "format": "date"},
    "reached": {"title": "Erreicht", "type": "boolean"},
    "channel": {"title": "Kanal", "type": "string", "enum": ["phone", "video"],
                "x-enum-titles": ["Telefon", "Video"]},
    "note": {"title": "Notiz", "type": "string", "maxLength": 2000, "x-widget": "textarea"}
  }
}"""
WELCOME_DATA = {"call_date": "2026-11-03", "reached": True, "channel": "phone"}


@pytest.fixture(scope="module")
def browser():
    # `make test` installs Debian's chromium first (tools/ensure-chromium.sh); no skipping without it. The
    # check is here, not at import, so that `make test-fast`, which leaves the browser tests out, collects
    # them on a machine without chromium.
    assert CHROMIUM.exists(), "no /usr/bin/chromium: run `make test` (it installs Debian's chromium)"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []  # script errors, CSP violations and failed requests (the favicon aside)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.errors = errors
    yield page
    context.close()


def _site(server) -> str:
    return server.url.removesuffix("/api/v1")


def _open_case(server, headers) -> dict:
    r = requests.post(
        server.url + "/cases", json={"municipality": "borchen", "client": CLIENT}, headers=headers, timeout=30
    )
    assert r.status_code == 201, r.text
    return r.json()


def _complete(server, headers, task_id: str, data: dict) -> dict:
    r = requests.post(
        f"{server.url}/tasks/{task_id}/complete", json={"data": data}, headers=headers, timeout=30
    )
    assert r.status_code == 200, r.text
    return r.json()


def _inbox(server, headers, case_id: int) -> list[dict]:
    r = requests.get(server.url + "/tasks", params={"case_id": case_id}, headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def _login(page, site: str, target: str) -> None:
    page.goto(site + target)
    assert "/login" in page.url  # not logged in: off to the login page, back afterwards
    page.get_by_label("Benutzername").fill("process-owner")
    page.get_by_label("Passwort").fill("demo")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(site + target)


def test_owner_adds_task_with_new_form_and_cases_follow_their_version(live_server, page):
    site = _site(live_server)
    cm = live_server.token("cm-borchen")
    owner = live_server.token("process-owner")
    old_case = _open_case(live_server, cm)  # started on version 1, before the change
    ARTIFACTS.mkdir(exist_ok=True)

    # 1. The form editor: a new form, typed in, checked as typed, previewed, saved.
    _login(page, site, "/modeler/forms")
    page.get_by_label("Neues Formular (Schlüssel)").fill("welcome_call")
    page.get_by_role("button", name="Anlegen").click()
    editor = page.get_by_label("JSON Schema")
    editor.fill(WELCOME_FORM[:-3])  # cut off: not JSON
    page.wait_for_selector("#schema-check.fail >> text=Kein gültiges JSON")
    editor.fill(WELCOME_FORM.replace('"format": "date"', '"format": "date", "minLength": "x"'))
    page.wait_for_selector("#schema-check.fail >> text=Das Formular hat Fehler")  # the server's check
    editor.fill(WELCOME_FORM)
    page.wait_for_selector("#schema-check.ok")
    # The preview is the task page's own rendering (server-side): a required Ja/Nein is a decision
    # (radio buttons, nothing chosen), a short choice radio buttons with "keine Angabe".
    page.wait_for_selector("#preview form .field-decision")
    preview = page.locator("#preview")
    assert preview.get_by_label("Datum des Anrufs").get_attribute("type") == "date"
    reached = preview.get_by_role("group", name="Erreicht")
    assert reached.get_by_role("radio").count() == 2 and reached.locator("input:checked").count() == 0
    channel = preview.get_by_role("group", name="Kanal")
    assert channel.locator("label").all_inner_texts() == ["Telefon", "Video", "keine Angabe"]
    assert preview.get_by_label("Notiz").evaluate("e => e.tagName") == "TEXTAREA"
    previewed = preview.locator(".field").evaluate_all("fs => fs.map(f => f.outerHTML)")
    page.get_by_role("button", name="Als neue Version speichern").click()
    page.wait_for_selector("#status.ok >> text=als Version 1 gespeichert")
    page.screenshot(path=str(ARTIFACTS / "form-editor.png"))
    r = requests.get(live_server.url + "/forms/welcome_call", headers=owner, timeout=30)
    assert r.status_code == 200 and r.json()["version"] == 1, r.text

    # 2. The modeler: open the lifecycle's current version from the list.
    page.get_by_role("link", name="Prozessmodelle").click()
    page.wait_for_url(site + "/modeler")
    page.locator('#processes button[data-process="case_lifecycle"][data-version="1"]').click()
    page.wait_for_selector("#status >> text=Version 1 von case_lifecycle ist geöffnet")

    # A user task after the first contact (drawing is scripted, the rest is clicked and typed),
    # first with a form that does not exist: the check names it, a click selects the element.
    page.evaluate(
        "kimModeler.insertUserTask({after: 'first_contact', id: 'welcome_call', "
        "name: 'Begrüßungsanruf', formKey: 'welcome_cal'})"
    )
    page.get_by_role("button", name="Prüfen").click()
    page.wait_for_selector("#verdict.fail")
    problem = page.locator('#problems button[data-element="welcome_call"]')
    assert "welcome_cal" in problem.inner_text()
    page.evaluate("kimModeler.modeler.get('selection').select([])")
    problem.click()
    assert page.evaluate("kimModeler.selectedIds()") == ["welcome_call"]

    # The properties panel shows the selected task: correct the form key there.
    form_key = page.get_by_label("Formularschlüssel (camunda:formKey)")
    if not form_key.is_visible():
        page.locator("#properties").get_by_text("Formular", exact=True).click()
    form_key.fill("welcome_call")
    page.wait_for_function(
        "() => kimModeler.modeler.get('elementRegistry').get('welcome_call')"
        ".businessObject.get('camunda:formKey') === 'welcome_call'"
    )
    page.get_by_role("button", name="Prüfen").click()
    page.wait_for_selector("#verdict.ok >> text=Keine Probleme")

    page.get_by_role("button", name="Als Entwurf speichern").click()
    page.wait_for_selector("#status >> text=Als Version 2 von case_lifecycle gespeichert")
    assert "Entwurf" in page.inner_text("#status")
    page.wait_for_selector('#processes button[data-process="case_lifecycle"][data-version="2"]')
    page.screenshot(path=str(ARTIFACTS / "modeler.png"))
    # A draft changes nothing for new cases yet.
    assert _open_case(live_server, cm)["open_tasks"][0]["bpmn_id"] == "first_contact"

    page.get_by_role("button", name="Bereitstellen").click()
    page.wait_for_selector("#status.ok >> text=Version 2 von case_lifecycle ist bereitgestellt")
    page.wait_for_selector('#processes button[data-version="2"] + .badge.current')
    assert page.errors == []
    versions = requests.get(
        live_server.url + "/processes/case_lifecycle/versions", headers=owner, timeout=30
    ).json()["items"]
    assert {v["version"]: v["is_current"] for v in versions} == {1: False, 2: True}

    # 3. A case started now runs on version 2: the new task with the new form is in the inbox.
    new_case = _open_case(live_server, cm)
    (first,) = new_case["open_tasks"]
    after = _complete(live_server, cm, first["id"], d.FIRST_CONTACT)
    assert [t["bpmn_id"] for t in after["next_tasks"]] == ["welcome_call"]
    (welcome,) = [t for t in _inbox(live_server, cm, new_case["id"]) if t["bpmn_id"] == "welcome_call"]
    assert welcome["form_key"] == "welcome_call" and welcome["name"] == "Begrüßungsanruf"
    detail = requests.get(f"{live_server.url}/tasks/{welcome['id']}", headers=cm, timeout=30).json()
    assert set(detail["form"]["properties"]) == {"call_date", "reached", "channel", "note"}
    # The case manager's task page shows the form exactly as the editor's preview did.
    cm_context = page.context.browser.new_context(locale="de-DE")
    try:
        cm_page = cm_context.new_page()
        browser_login(cm_page, site, "cm-borchen")
        cm_page.goto(f"{site}/tasks/{welcome['id']}")
        shown = cm_page.locator("form .field").evaluate_all("fs => fs.map(f => f.outerHTML)")
        assert shown == previewed
    finally:
        cm_context.close()
    after = _complete(live_server, cm, welcome["id"], WELCOME_DATA)
    assert [t["bpmn_id"] for t in after["next_tasks"]] == ["consent"]

    # 4. The case started before the deploy stays on version 1: no welcome call.
    (first,) = old_case["open_tasks"]
    after = _complete(live_server, cm, first["id"], d.FIRST_CONTACT)
    assert [t["bpmn_id"] for t in after["next_tasks"]] == ["consent"]
    assert "welcome_call" not in {t["bpmn_id"] for t in _inbox(live_server, cm, old_case["id"])}


def test_a_version_opened_while_the_list_still_loads_stays_open(live_server, page):
    """The list asks for each process's versions on its own. A version opened before the last of them
    arrived stays on the canvas: the start-up's new diagram, once the list is complete, used to
    replace it."""
    site = _site(live_server)
    held: list = []

    def hold(route):  # every other process's versions arrive only when the test lets them
        if "/processes/case_lifecycle/" in route.request.url:
            route.continue_()
        else:
            held.append(route)

    page.route(re.compile(r".*/processes/[^/]+/versions$"), hold)
    _login(page, site, "/modeler")
    page.locator('#processes button[data-process="case_lifecycle"][data-version="1"]').click()
    page.wait_for_selector("#status >> text=Version 1 von case_lifecycle ist geöffnet")
    assert held, "the rest of the list should still be loading"
    for route in held:
        route.continue_()
    page.wait_for_selector('#processes button[data-process="uma_job_followup"]')  # the list is complete
    page.wait_for_timeout(1500)  # what the start-up did once the list was complete has run by now
    assert page.evaluate("() => !!kimModeler.modeler.get('elementRegistry').get('first_contact')")
    assert page.evaluate("() => kimModeler.state.processId") == "case_lifecycle"
    assert "ist geöffnet" in page.locator("#status").inner_text()
    assert page.errors == []
