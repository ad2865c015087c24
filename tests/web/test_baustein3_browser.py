"""In headless Chromium against the real server: Baustein 3 from the referral to the goal.

The case manager refers a young adult with a Duldung to the Ausländerbehörde for a §25a check; the ABH
accepts and asks for the school certificate; the case manager answers from her task; the ABH begins the
Bleiberechtsprüfung on its referral page and opens the checklist from there (the checklist's many fields
are then sent as the form sends them, over the API with the ABH's token); the result, one criterion
missing, answers the referral; the case manager has „Rückmeldung ansehen“, sees the result on the case
page and turns the missing criterion into a goal with one click. (The Jobcenter referral that gets no
answer, its reminder and the follow-up task: tests/web/test_agency_browser.py.)
"""

from __future__ import annotations

import requests

from tests import lifecycle_data as d

from .helpers import browser_login, site
from .test_agency_browser import YOUNG_ADULT, _api, _complete, _refer, _switch
from .test_modeler_browser import ARTIFACTS, browser, page  # noqa: F401 - the shared browser fixtures

CHECKLIST_25A = {
    "check_25a": True,
    "a_age": "met",
    "a_stay": "met",
    "a_school": "missing",
    "a_integration": "met",
    "a_fdgo": "met",
    "a_identity": "met",
    "missing": [{"criterion": "a_school", "what": "Abschlusszeugnis fehlt", "possible_from": "2027-07-15"}],
    "next_step": "record_result",
    "assessment_notes": "Zeugnis angekündigt.",
}


def test_a_25a_check_answers_the_referral_and_its_missing_criterion_becomes_a_goal(live_server, page):  # noqa: F811
    base = site(live_server)
    cm = live_server.token("cm-borchen")
    case_id = _api(
        live_server, "POST", "/cases", cm, json={"municipality": "borchen", "client": YOUNG_ADULT}
    )["id"]
    _complete(live_server, cm, case_id, "first_contact", d.not_after_today(d.FIRST_CONTACT))
    _complete(live_server, cm, case_id, "consent", d.not_after_today(d.CONSENT_YES))
    ARTIFACTS.mkdir(exist_ok=True)

    browser_login(page, base, "cm-borchen")
    _refer(
        page,
        base,
        case_id,
        "Ausländerbehörde Kreis Paderborn",
        "Samir Darwish",
        "Duldung: Prüfung §25a erbeten.",
    )

    # The ABH accepts and asks for the school certificate.
    _switch(page, base, "abh")
    page.goto(f"{base}/agency/referrals")
    page.get_by_role("link", name="Samir Darwish").click()
    page.get_by_role("button", name="Verweisung annehmen").click()
    page.wait_for_selector("text=Die Verweisung ist angenommen.")
    page.get_by_label("Ihre Frage").fill("Bitte das Abschlusszeugnis der Schule nachreichen.")
    page.get_by_role("button", name="Rückfrage senden").click()
    page.wait_for_selector("text=Die Rückfrage ist an das Case-Management gesendet.")
    referral_url = page.url

    # The case manager answers the question.
    _switch(page, base, "cm-borchen")
    page.get_by_role("link", name="Rückfrage beantworten").click()
    page.get_by_label("Antwort an die Stelle").fill("Das Zeugnis kommt im Juli.")
    page.get_by_role("button", name="Erledigen").click()
    page.wait_for_url(lambda url: "/tasks/" not in url)

    # The ABH begins the Bleiberechtsprüfung on its referral page and opens the checklist.
    _switch(page, base, "abh")
    page.goto(referral_url)
    page.get_by_role("button", name="Bleiberechtsprüfung beginnen").click()
    page.wait_for_selector("text=Die Prüfung ist begonnen")
    page.locator("#checks a").first.click()
    page.wait_for_selector("form button[value=complete]")
    assert "keine Rechtsberatung" in page.content()
    task_id = page.url.rsplit("/", 1)[1]
    abh = live_server.token("abh")
    r = requests.post(
        f"{live_server.url}/tasks/{task_id}/complete", json={"data": CHECKLIST_25A}, headers=abh, timeout=30
    )
    assert r.status_code == 200, r.text
    page.goto(referral_url)
    checks = page.locator("#checks").inner_text()
    assert "abgeschlossen" in checks and "Abschlusszeugnis fehlt" in checks, checks
    assert "beantwortet" in page.locator("#ref-status").inner_text()
    page.screenshot(path=str(ARTIFACTS / "baustein3-agency.png"), full_page=True)

    # The case manager: „Rückmeldung ansehen“, the result on the case page, the goal in one click.
    _switch(page, base, "cm-borchen")
    assert page.get_by_role("link", name="Rückmeldung ansehen").count() == 1
    page.goto(f"{base}/cases/{case_id}")
    section = page.locator("#referrals").inner_text()
    assert "Prüfergebnis: Voraussetzungen noch nicht erfüllt" in section, section
    page.get_by_role("button", name="Als Ziel übernehmen").click()
    page.wait_for_selector("text=Das fehlende Kriterium ist jetzt ein Ziel der Begleitung.")
    goals = _api(live_server, "GET", f"/cases/{case_id}/goals", cm)["items"]
    assert any("Abschlusszeugnis" in g["text"] or "Schul" in g["text"] for g in goals), goals
    assert page.get_by_role("button", name="Als Ziel übernehmen").count() == 0
    page.screenshot(path=str(ARTIFACTS / "baustein3-goal.png"), full_page=True)
