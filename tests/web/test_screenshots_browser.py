"""In headless Chromium against the real server: screenshots of the main pages for people to look at, in
the git-ignored artifacts/screenshots, at 1280 px and (the case page) at tablet width; no page scrolls
sideways."""

from __future__ import annotations

import struct

import requests

from tests import lifecycle_data as d
from tests.api.helpers import CLIENT
from tests.engine.escalations.helpers import LOCAL_ESCALATE

from .helpers import browser_login, site
from .test_modeler_browser import ARTIFACTS, browser, page  # noqa: F401 - shared fixtures

SHOTS = ARTIFACTS / "screenshots"
WIDE, TABLET = 1280, 820


def _png_width(path) -> int:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">I", head[16:20])[0]


def _shot(pg, name: str, width: int = WIDE) -> None:
    """A full-page screenshot; the page must fit the width (tables scroll inside their own box)."""
    assert pg.evaluate("document.documentElement.scrollWidth") <= width, name
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _logout(pg) -> None:
    pg.get_by_role("button", name="Abmelden").click()
    pg.wait_for_url("**/login")


def _prepare(server) -> tuple[dict, dict]:
    """A case waiting for its first contact, and a topic from it escalated to the Lenkungsgruppe."""
    cm = server.token("cm-borchen")
    case = requests.post(
        server.url + "/cases", json={"municipality": "borchen", "client": CLIENT}, headers=cm, timeout=30
    ).json()
    topic = requests.post(
        server.url + "/topics",
        headers=cm,
        timeout=30,
        json={
            "title": "Fehlende Kita-Plätze",
            "category": "education",
            "municipality": "Borchen",
            "description": "Kinder warten über ein Jahr.",
            "case_ids": [case["id"]],
        },
    ).json()
    assert (
        requests.post(
            f"{server.url}/topics/{topic['id']}/decisions",
            json={"data": LOCAL_ESCALATE},
            headers=cm,
            timeout=30,
        ).status_code
        == 200
    )
    return case, topic


def test_screenshots_of_the_main_pages(live_server, browser, page):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    base = site(live_server)
    case, topic = _prepare(live_server)

    page.goto(base + "/login")
    _shot(page, "01-login")
    browser_login(page, base, "cm-borchen")
    _shot(page, "02-meine-aufgaben")
    page.goto(base + "/cases")
    _shot(page, "03-faelle")
    page.goto(f"{base}/cases/{case['id']}")
    _shot(page, "04-fall-neu")
    page.get_by_role("link", name="Erstgespräch").click()
    page.wait_for_selector("form button[value=complete]")
    page.get_by_role("button", name="Erledigen").click()  # the required date and concerns missing
    page.wait_for_selector(".error-summary")
    assert "Pflichtfeld" in page.inner_text(".error-summary")
    _shot(page, "05-aufgabe-mit-fehler")
    page.get_by_label("Datum des Erstgesprächs").fill(d.FIRST_CONTACT["contact_date"])
    page.get_by_label("Anliegen").fill(d.FIRST_CONTACT["concerns"])
    page.get_by_role("group", name="Kontaktweg").get_by_label("persönlich").check()
    page.get_by_role("button", name="Erledigen").click()
    page.wait_for_url(f"{base}/cases/{case['id']}")
    _shot(page, "04-fall")
    page.goto(base + "/followups")
    _shot(page, "06-nachverfolgung")

    tablet = browser.new_context(viewport={"width": TABLET, "height": 1180}, locale="de-DE")
    try:
        small = tablet.new_page()
        browser_login(small, base, "cm-borchen")
        small.goto(f"{base}/cases/{case['id']}")
        _shot(small, "04-fall-tablet", TABLET)
    finally:
        tablet.close()
    _logout(page)

    browser_login(page, base, "coordinator")
    page.goto(base + "/dashboard")
    _shot(page, "07-dashboard")
    page.goto(f"{base}/topics/{topic['id']}")
    page.wait_for_selector("text=An die Lenkungsgruppe eskaliert")
    _shot(page, "08-thema-verlauf")
    page.goto(base + "/topics")
    _shot(page, "09-themen")
    _logout(page)

    browser_login(page, base, "process-owner")
    page.goto(base + "/modeler")
    page.wait_for_selector('#processes button[data-process="case_lifecycle"]')
    _shot(page, "10-modellierung")
    page.goto(base + "/modeler/forms")
    page.wait_for_load_state("networkidle")
    _shot(page, "11-formulare")
    _logout(page)

    browser_login(page, base, "admin")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Benutzerkonten").click()
    _shot(page, "12-admin-benutzerkonten")
    page.get_by_role("link", name="cm-borchen", exact=True).click()
    page.wait_for_selector("text=Konto cm-borchen")
    _shot(page, "13-admin-konto")
    page.goto(base + "/admin/users/new")
    page.get_by_role("button", name="Konto anlegen").click()
    page.wait_for_selector(".field-error")
    _shot(page, "14-admin-neues-konto-fehler")
    page.goto(base + "/admin/organisation")
    _shot(page, "15-admin-organisation")

    names = [
        "01-login",
        "02-meine-aufgaben",
        "03-faelle",
        "04-fall-neu",
        "04-fall",
        "05-aufgabe-mit-fehler",
        "06-nachverfolgung",
        "07-dashboard",
        "08-thema-verlauf",
        "09-themen",
        "10-modellierung",
        "11-formulare",
        "12-admin-benutzerkonten",
        "13-admin-konto",
        "14-admin-neues-konto-fehler",
        "15-admin-organisation",
    ]
    for name in names:
        path = SHOTS / f"{name}.png"
        assert path.is_file() and path.stat().st_size > 5000, name
        assert _png_width(path) == WIDE, name
    tablet_shot = SHOTS / "04-fall-tablet.png"
    assert tablet_shot.stat().st_size > 5000 and _png_width(tablet_shot) == TABLET
    assert sorted(p.stem for p in SHOTS.glob("*.png")) == sorted([*names, "04-fall-tablet"])
    # The only failed requests: the task form sent without its required fields, the new account without data.
    assert [e.split(" ")[0] for e in page.errors] == ["422", "422"], page.errors
