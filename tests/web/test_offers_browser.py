"""In headless Chromium against the real server: a case manager finds a language course in Arabic for a
goal and records „kein passendes Angebot: Warteliste“ for a kindergarten place; the coordinator sees the
gap on the dashboard and raises it as a topic, whose page holds no client name or birth date."""

from __future__ import annotations

import re

import requests

from tests import lifecycle_data as d
from tests.api.helpers import CLIENT

from .helpers import browser_login, site
from .test_modeler_browser import ARTIFACTS, browser, page  # noqa: F401 - the shared browser fixtures

GOALS = {
    **d.GOALS,
    "goals": [
        {"goal": "Deutschkurs besuchen", "life_area": "language", "target_date": "2027-06-30"},
        {"goal": "Kindergartenplatz für die Tochter", "life_area": "childcare", "target_date": "2027-03-01"},
    ],
}
ARABIC = {
    "municipality": "borchen",
    "provider": "Sprachwerkstatt Borchen e. V.",
    "title": "Deutschkurs A1 mit arabischer Begleitung",
    "kind": "language_course",
    "life_areas": ["language"],
    "languages": ["deu", "ara"],
    "checked_on": "2026-10-01",
}


def _api(server, method: str, path: str, headers, **kw):
    r = requests.request(method, server.url + path, headers=headers, timeout=30, **kw)
    assert r.status_code < 300, r.text
    return r.json()


def _case(server, h) -> dict:
    case = _api(server, "POST", "/cases", h, json={"municipality": "borchen", "client": CLIENT})
    for bpmn_id, data in [
        ("first_contact", d.FIRST_CONTACT),
        ("consent", d.CONSENT_YES),
        ("assessment", d.ASSESS_ACCOMPANY),  # needs: housing, childcare
        ("goal_agreement", GOALS),
    ]:
        tasks = _api(server, "GET", "/tasks", h, params={"case_id": case["id"]})["items"]
        (task,) = [t for t in tasks if t["bpmn_id"] == bpmn_id]
        _api(server, "POST", f"/tasks/{task['id']}/complete", h, json={"data": data})
    return case


def test_a_language_course_in_arabic_a_waiting_list_gap_and_the_topic(live_server, page):  # noqa: F811
    base = site(live_server)
    cm, coord = live_server.token("cm-borchen"), live_server.token("coordinator")
    german = _api(
        live_server,
        "POST",
        "/offers",
        coord,
        json={**ARABIC, "title": "Deutsch Grundkurs", "languages": ["deu"]},
    )
    arabic = _api(live_server, "POST", "/offers", coord, json=ARABIC)
    _api(
        live_server,
        "POST",
        "/offers",
        coord,
        json={**ARABIC, "municipality": None, "title": "Integrationskurs kreisweit", "languages": ["deu"]},
    )
    for _ in range(2):  # two colleagues' cases already waited for a kindergarten place
        other = _case(live_server, cm)
        _api(
            live_server,
            "POST",
            f"/cases/{other['id']}/offer-gaps",
            cm,
            json={"life_area": "childcare", "reason": "waiting_list"},
        )
    case = _case(live_server, cm)
    ARTIFACTS.mkdir(exist_ok=True)

    browser_login(page, base, "cm-borchen")
    page.goto(f"{base}/cases/{case['id']}")
    section = page.locator("#offers")
    section.locator("#co-target").select_option(label="Ziel: Deutschkurs besuchen")
    section.get_by_label("Lebensbereich").select_option(label="Sprache")
    section.get_by_label("Sprache", exact=True).select_option(label="Arabisch")
    section.get_by_role("button", name="Suchen").click()
    page.wait_for_selector(".offer-results")
    results = page.locator(".offer-results > li")
    assert results.first.get_attribute("data-offer") == str(arabic["id"])  # both criteria: first
    assert str(german["id"]) in [results.nth(i).get_attribute("data-offer") for i in range(results.count())]
    page.screenshot(path=str(ARTIFACTS / "offers-search-case.png"), full_page=True)
    results.first.get_by_role("button", name="Für dieses Ziel übernehmen").click()
    page.wait_for_selector("text=Das Angebot ist übernommen.")
    assert ARABIC["title"] in page.locator("#offers .offer-targets").inner_text()

    page.locator("#offers summary", has_text="Kein passendes Angebot").click()
    page.locator("#gap-target").select_option(label="Ziel: Kindergartenplatz für die Tochter")
    page.locator("#gap-reason").select_option(label="Warteliste")
    page.get_by_role("button", name="„Kein passendes Angebot“ festhalten").click()
    page.wait_for_selector("text=„Kein passendes Angebot“ ist festgehalten.")
    assert "Kinderbetreuung: Warteliste" in page.locator("#offers .offer-gaps").inner_text()
    links = _api(live_server, "GET", f"/cases/{case['id']}/offer-links", cm)["items"]
    assert [x["offer_id"] for x in links] == [arabic["id"]]

    page.get_by_role("button", name="Abmelden").click()
    browser_login(page, base, "coordinator")
    page.goto(f"{base}/dashboard")
    panel = page.locator("#offer-gaps")
    row = panel.locator('tr[data-municipality="borchen"]')
    assert row.locator("td").nth(0).inner_text() == "Region 3"
    assert row.locator("td").nth(1).inner_text() == "3"  # three gaps in Borchen
    assert "3 / 3" in row.inner_text()  # Kinderbetreuung: three needs, three without a place
    assert panel.locator("svg.chart").count() == 1
    page.screenshot(path=str(ARTIFACTS / "offers-dashboard.png"), full_page=True)
    panel.get_by_label("Gemeinde").select_option(label="Borchen")
    panel.get_by_label("Lebensbereich (optional)").select_option(label="Kinderbetreuung")
    panel.get_by_role("button", name="Als Thema einbringen").click()
    page.wait_for_url(re.compile(r".*/topics/\d+$"))
    main = page.locator("main").inner_text()
    assert "Kinderbetreuung: kein passendes Angebot in Borchen" in main
    assert "Warteliste 3" in main and "/offers/analysis/print" in main
    html = page.content()
    for secret in (
        CLIENT["given_name"],
        CLIENT["family_name"],
        CLIENT["birth_date"],
        "02.04.1990",
        "Kindergartenplatz für die Tochter",
    ):
        assert secret not in html, secret
    page.screenshot(path=str(ARTIFACTS / "offers-topic.png"), full_page=True)
