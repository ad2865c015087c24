"""In headless Chromium against the real server: a case manager withdraws one release (after the
confirmation) and starts the UmA follow-up on the case page, and sees the task-done message on the page
the completed task leads to."""

from __future__ import annotations

import requests

from tests import lifecycle_data as d
from tests.api.helpers import CLIENT

from .helpers import browser_login, site
from .test_modeler_browser import ARTIFACTS, browser, page  # noqa: F401 - the shared browser fixtures

SHOTS = ARTIFACTS / "screenshots"


def _ready(server, headers, case_id: int) -> list[dict]:
    r = requests.get(server.url + "/tasks", params={"case_id": case_id}, headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def _case(server, headers, steps) -> dict:
    r = requests.post(
        server.url + "/cases", json={"municipality": "borchen", "client": CLIENT}, headers=headers, timeout=30
    )
    assert r.status_code == 201, r.text
    case = r.json()
    for bpmn_id, data in steps:
        (task,) = [t for t in _ready(server, headers, case["id"]) if t["bpmn_id"] == bpmn_id]
        done = requests.post(
            f"{server.url}/tasks/{task['id']}/complete",
            json={"data": d.not_after_today(data)},
            headers=headers,
            timeout=30,
        )
        assert done.status_code == 200, done.text
    return case


def test_case_manager_withdraws_a_release_and_starts_a_followup(live_server, page):  # noqa: F811
    base = site(live_server)
    cm = live_server.token("cm-borchen")
    case = _case(live_server, cm, [("first_contact", d.FIRST_CONTACT), ("consent", d.CONSENT_YES)])
    fresh = _case(live_server, cm, [])
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser_login(page, base, "cm-borchen")

    page.goto(f"{base}/cases/{case['id']}")
    page.locator("#withdrawals summary").click()
    page.get_by_role("button", name="Schweigepflichtentbindung widerrufen … Jobcenter (SGB II)").click()
    page.wait_for_selector(".confirm-box")
    consequence = page.inner_text(".confirm-box")
    assert "Verweisungen an Jobcenter (SGB II) sind danach nicht mehr möglich" in consequence
    page.screenshot(path=str(SHOTS / "case-release-withdrawal.png"), full_page=True)
    page.get_by_role("button", name="Ja, gegenüber Jobcenter (SGB II) widerrufen").click()
    page.wait_for_selector("p.notice[role=status]")
    assert "Jobcenter (SGB II) ist widerrufen" in page.inner_text("p.notice[role=status]")
    consents = page.inner_text("#h-consents >> xpath=..")
    assert "widerrufen" in consents and "Ausländerbehörde" in consents

    page.get_by_role("button", name="UmA-Nachverfolgung starten").click()
    page.wait_for_selector("p.notice[role=status]")
    assert "Nachverfolgung ist gestartet" in page.inner_text("p.notice[role=status]")
    assert page.get_by_role("button", name="UmA-Nachverfolgung starten").count() == 0
    assert "Koordinierungsgespräch mit UmA-Hilfe" in page.inner_text("#h-tasks >> xpath=..")

    # A task completed: its message on the page the user lands on (the case page), at once.
    (task,) = [t for t in _ready(live_server, cm, fresh["id"]) if t["bpmn_id"] == "first_contact"]
    page.goto(f"{base}/tasks/{task['id']}")
    page.get_by_label("Anliegen").fill("Arbeit und Wohnung")
    page.get_by_label("Datum des Erstgesprächs").fill("2026-11-02")
    page.get_by_role("group", name="Kontaktweg").get_by_label("persönlich").check()
    page.get_by_role("button", name="Erledigen").click()
    page.wait_for_url(f"{base}/cases/{fresh['id']}")
    assert page.locator("p.notice[role=status]").all_inner_texts() == ["Aufgabe „Erstgespräch“ erledigt."]
    assert page.errors == []
