"""In headless Chromium against the real server: a task a colleague holds shows whose task and whose case
it is, cannot be completed, and is completed after an explicit take-over that the case history shows."""

from __future__ import annotations

import requests

from tests.api.helpers import CLIENT

from .helpers import browser_login, site
from .test_modeler_browser import ARTIFACTS, browser, page  # noqa: F401 - the shared browser fixtures

HOLDER = "Case-Manager Borchen (Vertretung)"  # cm-borchen-2 in the seed
TAKER = "Case-Managerin Borchen"  # cm-borchen


def test_a_task_held_by_a_colleague_is_taken_over_then_completed(live_server, page):  # noqa: F811
    base = site(live_server)
    cm, cm2 = live_server.token("cm-borchen"), live_server.token("cm-borchen-2")
    r = requests.post(
        live_server.url + "/cases", json={"municipality": "borchen", "client": CLIENT}, headers=cm, timeout=30
    )
    assert r.status_code == 201, r.text
    case = r.json()
    tasks = requests.get(live_server.url + "/tasks", params={"case_id": case["id"]}, headers=cm, timeout=30)
    (task,) = [t for t in tasks.json()["items"] if t["bpmn_id"] == "first_contact"]
    r = requests.post(f"{live_server.url}/tasks/{task['id']}/claim", headers=cm2, timeout=30)
    assert r.status_code == 200 and r.json()["assignee"] == "cm-borchen-2"
    ARTIFACTS.mkdir(exist_ok=True)

    browser_login(page, base, "cm-borchen")
    page.goto(f"{base}/tasks/{task['id']}")
    # Whose case (Aktenzeichen and name) and whose task it is.
    assert page.locator(".case-of").inner_text() == f"Fall {case['case_number']} · Amina Haddad"
    assert page.locator(".holder").inner_text() == f"Bearbeitet von {HOLDER}"
    # The form can be filled in, but not sent.
    page.get_by_label("Datum des Erstgesprächs").fill("2026-11-02")
    page.get_by_label("Anliegen").fill("Arbeit und Wohnung")
    assert page.get_by_role("button", name="Erledigen").is_disabled()
    assert page.get_by_role("button", name="Entwurf speichern").is_disabled()
    page.screenshot(path=str(ARTIFACTS / "task-held-by-colleague.png"), full_page=True)
    # Sent anyway (a stale page with the buttons enabled): refused, the form shown again with the holder.
    page.evaluate("document.querySelectorAll('button[disabled]').forEach(b => b.disabled = false)")
    page.get_by_role("button", name="Erledigen").click()
    page.wait_for_selector(".error-summary")
    assert HOLDER in page.locator(".error-summary").inner_text()
    assert page.get_by_label("Anliegen").input_value() == "Arbeit und Wohnung"  # what was typed stays
    still = requests.get(f"{live_server.url}/tasks/{task['id']}", headers=cm, timeout=30).json()
    assert still["status"] == "ready" and still["assignee"] == "cm-borchen-2"

    # Take it over: a confirmation first (cancel leaves everything as it was), then confirmed.
    page.get_by_role("button", name="Aufgabe übernehmen").click()
    page.wait_for_selector("text=Aufgabe übernehmen?")
    assert HOLDER in page.locator("main").inner_text()
    page.get_by_role("link", name="Abbrechen").click()
    page.wait_for_selector(".holder")
    assert page.locator(".holder").inner_text() == f"Bearbeitet von {HOLDER}"
    page.get_by_role("button", name="Aufgabe übernehmen").click()
    page.screenshot(path=str(ARTIFACTS / "task-take-over.png"), full_page=True)
    page.get_by_role("button", name="Ja, Aufgabe übernehmen").click()
    page.wait_for_selector("text=Sie bearbeiten die Aufgabe jetzt.")
    assert page.locator(".holder").inner_text() == "Bearbeitet von Ihnen"
    assert page.get_by_role("button", name="Erledigen").is_enabled()

    # Now it completes.
    page.get_by_label("Datum des Erstgesprächs").fill("2026-11-02")
    page.get_by_label("Anliegen").fill("Arbeit und Wohnung")
    page.get_by_role("button", name="Erledigen").click()
    page.wait_for_url(f"{base}/cases/{case['id']}")
    # The history shows the take-over, then the completed task.
    timeline = page.locator("ol.timeline").inner_text()
    line = f"Erstgespräch: Aufgabe übernommen von {TAKER} (vorher {HOLDER})"
    assert line in timeline and "Zuständigkeit gewechselt" in timeline
    assert timeline.index(line) < timeline.rindex("Erstgespräch – erledigt")
    page.screenshot(path=str(ARTIFACTS / "case-history-take-over.png"), full_page=True)
    done = requests.get(f"{live_server.url}/tasks/{task['id']}", headers=cm, timeout=30).json()
    assert done["status"] == "completed"
