"""In headless Chromium against the real server: a decision at a gateway is made on purpose.

The consent form's "Einwilligung erteilt" is a Ja/Nein choice with nothing preselected: without a
choice the form asks for one, Enter in a text field submits nothing, "Nein" first shows its
consequence and only the confirmation closes the case. A case closed by mistake is reopened from
its page within the period (the consent task is ready again); after the period (a server whose
clock is 31 days later) the page only says until when it could have been reopened.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import requests

from engine.clock import BERLIN
from tests import lifecycle_data as d
from tests.api.helpers import CLIENT
from tests.conftest import LiveServer

from .helpers import browser_login, site
from .test_modeler_browser import browser, page  # noqa: F401 - the shared browser fixtures

NO = "Nein, keine Einwilligung"
CONSEQUENCE = "Der Fall wird ohne Case Management abgeschlossen."


def _ready(server, headers, case_id: int) -> list[str]:
    r = requests.get(server.url + "/tasks", params={"case_id": case_id}, headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    return [t["bpmn_id"] for t in r.json()["items"]]


def _task_id(server, headers, case_id: int, bpmn_id: str) -> str:
    r = requests.get(server.url + "/tasks", params={"case_id": case_id}, headers=headers, timeout=30)
    (task,) = [t for t in r.json()["items"] if t["bpmn_id"] == bpmn_id]
    return task["id"]


def _case(server, headers, case_id: int) -> dict:
    return requests.get(f"{server.url}/cases/{case_id}", headers=headers, timeout=30).json()


def _complete(server, headers, case_id: int, bpmn_id: str, data: dict) -> None:
    task_id = _task_id(server, headers, case_id, bpmn_id)
    r = requests.post(
        f"{server.url}/tasks/{task_id}/complete", json={"data": data}, headers=headers, timeout=30
    )
    assert r.status_code == 200, r.text


def _enter_submits_nothing(pg, posts: list[str]) -> None:
    before = len(posts)
    url = pg.url
    pg.get_by_label("Version des Einwilligungsformulars").press("Enter")
    pg.wait_for_timeout(700)
    assert len(posts) == before and pg.url == url


def test_consent_is_decided_on_purpose_and_a_mistake_can_be_reopened(live_server, page, db, monkeypatch):  # noqa: F811
    base = site(live_server)
    cm = live_server.token("cm-borchen")
    r = requests.post(
        live_server.url + "/cases", json={"municipality": "borchen", "client": CLIENT}, headers=cm, timeout=30
    )
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    _complete(live_server, cm, case_id, "first_contact", d.FIRST_CONTACT)
    posts: list[str] = []
    page.on("request", lambda req: posts.append(req.url) if req.method == "POST" else None)
    browser_login(page, base, "cm-borchen")

    page.goto(f"{base}/tasks/{_task_id(live_server, cm, case_id, 'consent')}")
    group = page.get_by_role("group", name="Einwilligung erteilt")
    radios = group.get_by_role("radio")
    assert radios.count() == 2 and not any(radios.nth(i).is_checked() for i in range(2))
    assert page.locator("#f-consent_given[type=checkbox]").count() == 0

    # Enter in a text field of the form submits nothing.
    page.get_by_label("Version des Einwilligungsformulars").fill("2026-1")
    _enter_submits_nothing(page, posts)
    assert _ready(live_server, cm, case_id) == ["consent"]

    # Erledigen without a choice: the form asks for one, nothing changes.
    page.get_by_role("button", name="Erledigen").click()
    page.wait_for_selector(".error-summary")
    assert page.inner_text("#f-consent_given-error") == "Bitte eine Auswahl treffen."
    assert "Einwilligung erteilt: Bitte eine Auswahl treffen." in page.inner_text(".error-summary")
    assert _case(live_server, cm, case_id)["status"] == "open"
    assert _ready(live_server, cm, case_id) == ["consent"]

    # "Nein": the consequence is shown, nothing is saved yet; Enter still submits nothing.
    page.get_by_role("group", name="Einwilligung erteilt").get_by_label(NO).check()
    page.get_by_role("button", name="Erledigen").click()
    page.wait_for_selector(".confirm-box")
    assert CONSEQUENCE in page.inner_text(".confirm-box")
    assert page.get_by_role("group", name="Einwilligung erteilt").get_by_label(NO).is_checked()
    assert _case(live_server, cm, case_id)["status"] == "open"
    assert _ready(live_server, cm, case_id) == ["consent"]
    _enter_submits_nothing(page, posts)
    assert _case(live_server, cm, case_id)["status"] == "open"

    # Only the confirmation closes the case.
    page.get_by_role("button", name="Ja, ohne CM-Fall abschließen").click()
    page.wait_for_url(f"{base}/cases/{case_id}")
    closed = _case(live_server, cm, case_id)
    assert closed["status"] == "closed" and closed["closure_reason"] == "no_consent"
    assert _ready(live_server, cm, case_id) == []

    # Reopening from the case page: a reason, then the confirmation.
    section = page.locator("#reopen")
    assert "Fall wieder öffnen" in section.inner_text()
    page.get_by_role("button", name="Fall wieder öffnen").click()
    page.wait_for_selector("#reopen-reason-error")
    assert page.inner_text("#reopen-reason-error") == "Bitte einen Grund angeben."
    page.get_by_label("Grund für das Wiederöffnen").fill("Einwilligung versehentlich als verweigert erfasst")
    page.get_by_role("button", name="Fall wieder öffnen").click()
    page.wait_for_selector("#reopen .confirm-box")
    assert _case(live_server, cm, case_id)["status"] == "closed"  # not yet
    page.get_by_role("button", name="Ja, Fall wieder öffnen").click()
    page.wait_for_selector("text=Der Fall ist wieder geöffnet.")
    reopened = _case(live_server, cm, case_id)
    assert reopened["status"] == "open" and reopened["closed_at"] is None
    assert _ready(live_server, cm, case_id) == ["consent"]
    assert page.locator("#reopen").count() == 0
    page.get_by_role("link", name="Einwilligung", exact=True).click()
    assert not any(page.get_by_role("radio").nth(i).is_checked() for i in range(2))

    # Closed again (the API needs no confirmation); 31 days later the page only says until when.
    _complete(live_server, cm, case_id, "consent", d.CONSENT_NO)
    closed_at = datetime.fromisoformat(_case(live_server, cm, case_id)["closed_at"])
    until = (closed_at + timedelta(days=30)).astimezone(BERLIN).strftime("%d.%m.%Y")
    live_server.stop()
    monkeypatch.setenv("KIM_CLOCK_OFFSET_SECONDS", str(timedelta(days=31).total_seconds()))
    later = LiveServer(db).start()
    try:
        page.context.clear_cookies()  # the earlier server's session (cookies do not tell ports apart)
        browser_login(page, site(later), "cm-borchen")
        page.goto(f"{site(later)}/cases/{case_id}")
        text = page.locator("#reopen").inner_text()
        assert "hätte bis zum" in text and "Frist ist abgelaufen" in text, text
        assert page.get_by_role("button", name="Fall wieder öffnen").count() == 0
        assert f"hätte bis zum {until} wieder geöffnet werden können" in text, text
        r = requests.post(
            f"{later.url}/cases/{case_id}/reopen",
            json={"reason": "zu spät"},
            headers=later.token("cm-borchen"),
            timeout=30,
        )
        assert r.status_code == 409 and r.json()["type"].endswith("/reopen-period-over"), r.text
    finally:
        later.stop()
