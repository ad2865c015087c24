"""In headless Chromium against the real server: the inbox's views with their counts, a click on one,
the choice still there after a reload (kept on the server), sorting and search, and the inbox at 390 px
without sideways scrolling of the page."""

from __future__ import annotations

import requests

from tests.api.helpers import CLIENT

from .helpers import browser_login, site
from .test_modeler_browser import ARTIFACTS, browser, page  # noqa: F401 - the shared browser fixtures


def _open(server, headers, family_name: str) -> dict:
    r = requests.post(
        server.url + "/cases",
        json={"municipality": "borchen", "client": {**CLIENT, "family_name": family_name}},
        headers=headers,
        timeout=30,
    )
    assert r.status_code == 201, r.text
    return r.json()


def _task(server, headers, case_id: int) -> str:
    r = requests.get(server.url + "/tasks", params={"case_id": case_id}, headers=headers, timeout=30)
    (task,) = r.json()["items"]
    return task["id"]


def _counts(tab) -> dict[str, str]:
    links = tab.locator(".inbox-views a")
    return {
        links.nth(i).get_attribute("data-view"): links.nth(i).locator(".count").inner_text()
        for i in range(links.count())
    }


def _rows(tab) -> list[str]:
    return [
        href.split("/tasks/")[1]
        for href in tab.locator("table.inbox td[data-label='Aufgabe'] a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
    ]


def test_inbox_filters_counts_and_the_remembered_choice(live_server, page):  # noqa: F811
    base = site(live_server)
    cm = live_server.token("cm-borchen")
    colleague = live_server.token("cm-borchen-2")
    # Aalto's and Berger's cases are hers, Cordes's her colleague's (same municipality, same team view)
    cases = [
        _open(live_server, cm, "Aalto"),
        _open(live_server, cm, "Berger"),
        _open(live_server, colleague, "Cordes"),
    ]
    tasks = [_task(live_server, cm, c["id"]) for c in cases]
    assert (
        requests.post(f"{live_server.url}/tasks/{tasks[1]}/claim", headers=cm, timeout=30).status_code == 200
    )
    ARTIFACTS.mkdir(exist_ok=True)

    browser_login(page, base, "cm-borchen")
    assert page.locator(".inbox-views a[aria-current='page']").get_attribute("data-view") == "mine"
    assert _counts(page) == {"mine": "2", "team": "3", "unassigned": "2", "overdue": "0", "week": "0"}
    # Meine Aufgaben: the task she holds and the unheld one of her own case, not her colleague's
    assert sorted(_rows(page)) == sorted([tasks[0], tasks[1]])

    page.get_by_role("link", name="Nicht zugewiesen").click()
    page.wait_for_url(f"{base}/?view=unassigned")
    assert page.locator(".inbox-views a[aria-current='page']").get_attribute("data-view") == "unassigned"
    assert sorted(_rows(page)) == sorted([tasks[0], tasks[2]])
    assert "Nicht zugewiesen: 2 offene Aufgaben" in page.locator("caption").inner_text()

    # Sorted by case, from the form; after a fresh visit both are still chosen.
    page.get_by_label("Sortieren nach").select_option("case")
    page.get_by_role("button", name="Anwenden").click()
    page.wait_for_url(f"{base}/?*sort=case*")
    page.goto(base + "/")
    assert page.locator(".inbox-views a[aria-current='page']").get_attribute("data-view") == "unassigned"
    assert page.get_by_label("Sortieren nach").input_value() == "case"
    assert _rows(page) == [tasks[0], tasks[2]]  # Aalto's case before Cordes's
    page.reload()
    assert page.locator(".inbox-views a[aria-current='page']").get_attribute("data-view") == "unassigned"

    # A search by case number narrows the list and the counts.
    page.get_by_label("Suche (Aktenzeichen, Pseudonym oder Aufgabe)").fill(cases[2]["case_number"])
    page.get_by_role("button", name="Anwenden").click()
    page.wait_for_url(f"{base}/?*q=*")
    assert _rows(page) == [tasks[2]]
    assert _counts(page)["team"] == "1"
    page.screenshot(path=str(ARTIFACTS / "inbox-filters.png"), full_page=True)


def test_the_inbox_fits_a_phone(live_server, page):  # noqa: F811
    base = site(live_server)
    cm = live_server.token("cm-borchen")
    for name in ("Aalto", "Berger"):
        _open(live_server, cm, name)
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, base, "cm-borchen")
    page.get_by_role("link", name="Alle im Team").click()
    page.wait_for_url(f"{base}/?view=team")
    assert len(_rows(page)) == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Every cell says what it is once the table is stacked.
    assert page.locator("table.inbox td[data-label='Fällig']").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "inbox-390px.png"), full_page=True)
