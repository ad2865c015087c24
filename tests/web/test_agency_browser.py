"""In headless Chromium against the real server: the exchange between a case manager and the agencies.

The case manager refers a young adult with a Duldung to the Ausländerbehörde (§25a); the ABH accepts,
asks for a school certificate, the case manager answers the question from her task, the ABH answers with
its check result; the case manager has „Rückmeldung ansehen“ and sees the answer on the case page. A
referral to the Jobcenter gets no answer: 15 days later (the clock moved, the scheduler fires) the
Jobcenter's inbox marks it overdue and the case manager has „Verweisung nachhalten“.
"""

from __future__ import annotations

from datetime import timedelta

import requests

from engine import clock
from engine.timers.jobs import run_due
from engine.timers.policy import TimerPolicy
from tests import lifecycle_data as d

from .helpers import browser_login, site
from .test_modeler_browser import ARTIFACTS, browser, page  # noqa: F401 - the shared browser fixtures

YOUNG_ADULT = {
    "given_name": "Samir",
    "family_name": "Darwish",
    "birth_date": "2005-03-10",
    "nationality": "irakisch",
    "languages": ["ar", "de"],
}


def _api(server, method: str, path: str, headers: dict, **body):
    r = requests.request(method, server.url + path, headers=headers, timeout=30, **body)
    assert r.status_code in (200, 201), r.text
    return r.json()


def _complete(server, headers, case_id: int, bpmn_id: str, data: dict) -> None:
    tasks = _api(server, "GET", "/tasks", headers, params={"case_id": case_id})["items"]
    (task,) = [t for t in tasks if t["bpmn_id"] == bpmn_id]
    _api(server, "POST", f"/tasks/{task['id']}/complete", headers, json={"data": data})


def _switch(pg, base: str, username: str) -> None:
    pg.get_by_role("button", name="Abmelden").click()
    pg.wait_for_url(lambda url: "/login" in url)
    browser_login(pg, base, username)


def _refer(pg, base: str, case_id: int, agency: str, member: str, reason: str) -> None:
    pg.goto(f"{base}/cases/{case_id}")
    pg.locator("#referrals summary").click()
    pg.locator("#ref-agency").select_option(label=agency)
    pg.locator("#referrals").get_by_label(member).check()
    pg.locator("#ref-need").select_option(
        label="Aufenthalt" if "Ausländer" in agency else "Arbeit und Ausbildung"
    )
    pg.locator("#ref-reason").fill(reason)
    pg.locator("#ref-date").fill(clock.today_berlin().isoformat())
    pg.get_by_role("button", name="Verweisung senden").click()
    pg.wait_for_selector("text=Die Verweisung wurde gesendet.")


def test_referral_to_the_abh_is_accepted_questioned_and_answered_and_the_jobcenter_is_reminded(
    live_server,
    page,  # noqa: F811
    app,
):
    base = site(live_server)
    cm = live_server.token("cm-borchen")
    case = _api(live_server, "POST", "/cases", cm, json={"municipality": "borchen", "client": YOUNG_ADULT})
    case_id = case["id"]
    _complete(live_server, cm, case_id, "first_contact", d.not_after_today(d.FIRST_CONTACT))
    _complete(live_server, cm, case_id, "consent", d.not_after_today(d.CONSENT_YES))  # Jobcenter, ABH
    ARTIFACTS.mkdir(exist_ok=True)

    # The case manager refers Samir to the Ausländerbehörde for a §25a check.
    browser_login(page, base, "cm-borchen")
    _refer(
        page,
        base,
        case_id,
        "Ausländerbehörde Kreis Paderborn",
        "Samir Darwish",
        "Duldung seit 2019, Schulabschluss 2023: Prüfung §25a AufenthG erbeten.",
    )

    # The ABH: its start page leads to its inbox; it accepts and asks back.
    _switch(page, base, "abh")
    page.get_by_role("link", name="Verweisungen", exact=True).first.click()
    page.wait_for_selector("h1:has-text('Verweisungen an Ausländerbehörde Kreis Paderborn')")
    page.get_by_role("link", name="Samir Darwish").click()
    page.wait_for_selector("text=Prüfung §25a AufenthG erbeten")
    page.get_by_role("button", name="Verweisung annehmen").click()
    page.wait_for_selector("text=Die Verweisung ist angenommen.")
    assert "in Bearbeitung" in page.locator("#ref-status").inner_text()
    page.get_by_role("button", name="Rückfrage senden").click()  # empty: refused at the field
    page.wait_for_selector("#ask-text-error:has-text('Bitte die Rückfrage angeben.')")
    page.get_by_label("Ihre Frage").fill("Bitte das Abschlusszeugnis der Schule nachreichen.")
    page.get_by_role("button", name="Rückfrage senden").click()
    page.wait_for_selector("text=Die Rückfrage ist an das Case-Management gesendet.")
    assert "Rückfrage offen" in page.locator("#ref-status").inner_text()

    # The case manager answers the question from her task.
    _switch(page, base, "cm-borchen")
    page.get_by_role("link", name="Rückfrage beantworten").click()
    page.get_by_label("Antwort an die Stelle").fill("Das Zeugnis liegt bei; Kopie folgt per Post.")
    page.get_by_role("button", name="Erledigen").click()
    page.wait_for_url(lambda url: "/tasks/" not in url)

    # The ABH sees the reply and answers with its check result.
    _switch(page, base, "abh")
    page.goto(f"{base}/agency/referrals")
    page.get_by_role("link", name="Samir Darwish").click()
    page.wait_for_selector("text=Das Zeugnis liegt bei; Kopie folgt per Post.")
    page.locator("#answer-result").fill(
        "§25a: Aufenthaltsdauer erfüllt; Lebensunterhalt noch nicht gesichert."
    )
    page.get_by_label("Ergebnis der Prüfung (falls geprüft)").select_option("not_yet_met")
    page.get_by_role("button", name="Antwort senden").click()
    page.wait_for_selector("text=Die Antwort ist gesendet.")
    assert "beantwortet" in page.locator("#ref-status").inner_text()
    page.screenshot(path=str(ARTIFACTS / "agency-referral.png"), full_page=True)

    # The case manager: „Rückmeldung ansehen“ in her tasks, the answer on the case page.
    _switch(page, base, "cm-borchen")
    assert page.get_by_role("link", name="Rückmeldung ansehen").count() == 1
    page.goto(f"{base}/cases/{case_id}")
    section = page.locator("#referrals").inner_text()
    assert "Lebensunterhalt noch nicht gesichert" in section, section
    assert "Prüfergebnis: Voraussetzungen noch nicht erfüllt" in section, section
    assert "Bitte das Abschlusszeugnis der Schule nachreichen." in section

    # A referral to the Jobcenter gets no answer; 15 days later the reminder fires.
    _refer(
        page, base, case_id, "Jobcenter (SGB II)", "Samir Darwish", "Unterstützung bei der Ausbildungssuche."
    )
    try:
        clock.advance(timedelta(days=15))
        fired = run_due(app.extensions["kim"]["sessions"], owner="test", policy=TimerPolicy())
        assert [o.status for o in fired] == ["fired"]
    finally:
        clock.reset()
    page.goto(f"{base}/")
    assert page.get_by_role("link", name="Verweisung nachhalten").count() == 1
    page.goto(f"{base}/cases/{case_id}")
    assert "keine Antwort" in page.locator("#referrals").inner_text()
    _switch(page, base, "jobcenter")
    page.goto(f"{base}/agency/referrals?overdue=1")
    row = page.locator("tr[data-referral]")
    assert row.count() == 1 and "überfällig – Erinnerung" in row.inner_text()
