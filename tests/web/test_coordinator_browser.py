"""In headless Chromium against the real server: a coordinator follows the dashboard to a topic's trail and
sees no client's name anywhere; a case manager of another municipality cannot open a case by its URL."""

from __future__ import annotations

import re
from datetime import timedelta

import requests

from engine.clock import today_berlin
from tests import lifecycle_data as d
from tests.engine.escalations.helpers import LOCAL_ESCALATE, PAPER

from .helpers import browser_login, site
from .test_modeler_browser import browser, page  # noqa: F401 - the shared browser fixtures

CLIENTS = [
    {
        "given_name": "Zuleika",
        "family_name": "Quastenbrink",
        "birth_date": "1987-03-14",
        "nationality": "eritreisch",
        "languages": ["ti", "de"],
    },
    {"given_name": "Bartholomew", "family_name": "Xylander", "birth_date": "2004-12-29"},
]
# Everything that would identify the clients, as typed and as pages would format it.
SECRETS = [
    "Zuleika",
    "Quastenbrink",
    "1987-03-14",
    "14.03.1987",
    "eritreisch",
    "Bartholomew",
    "Xylander",
    "2004-12-29",
    "29.12.2004",
    d.FIRST_CONTACT["concerns"],
]


def _api(server, method: str, path: str, headers: dict, expect: int = 200, **kw) -> dict:
    r = requests.request(method, server.url + path, headers=headers, timeout=30, **kw)
    assert r.status_code == expect, r.text
    return r.json()


def _cases(server, cm) -> list[dict]:
    out = []
    for client in CLIENTS:
        case = _api(server, "POST", "/cases", cm, 201, json={"municipality": "borchen", "client": client})
        (task,) = _api(server, "GET", "/tasks", cm, params={"case_id": case["id"]})["items"]
        _api(server, "POST", f"/tasks/{task['id']}/complete", cm, json={"data": d.FIRST_CONTACT})
        out.append(case)
    return out


def _topic_at_steering(server, cm, coord, cases) -> dict:
    """A topic from both cases, escalated by the local body; decision paper done; a steering meeting ahead."""
    topic = _api(
        server,
        "POST",
        "/topics",
        cm,
        201,
        json={
            "title": "Lange Wartezeiten auf Integrationskurse",
            "category": "language",
            "municipality": "Borchen",
            "description": "Mehrere Fälle warten über sechs Monate.",
            "case_ids": [c["id"] for c in cases],
        },
    )
    _api(server, "POST", f"/topics/{topic['id']}/decisions", cm, json={"data": LOCAL_ESCALATE})
    _api(server, "POST", f"/topics/{topic['id']}/decisions", coord, json={"data": PAPER})
    body = _api(server, "GET", "/bodies", coord, params={"kind": "steering"})["items"][0]
    meets_on = (today_berlin() + timedelta(days=14)).isoformat()
    _api(
        server,
        "POST",
        "/meetings",
        coord,
        201,
        json={"body_id": body["id"], "meets_on": meets_on, "location": "Kreishaus"},
    )
    return topic


def _no_client_data(pg, where: str) -> None:
    html, text = pg.content(), pg.inner_text("body")
    leaks = [s for s in SECRETS if s.lower() in html.lower() or s.lower() in text.lower()]
    assert leaks == [], (where, leaks)


def test_coordinator_follows_the_dashboard_to_a_topic_trail_without_client_names(live_server, page):  # noqa: F811
    base, cm, coord = site(live_server), live_server.token("cm-borchen"), live_server.token("coordinator")
    cases = _cases(live_server, cm)
    topic = _topic_at_steering(live_server, cm, coord, cases)
    # The case manager does see the names: the secrets are really on the case pages.
    r = requests.get(f"{live_server.url}/cases/{cases[0]['id']}", headers=cm, timeout=30)
    assert "Quastenbrink" in r.text

    browser_login(page, base, "coordinator")
    _no_client_data(page, "start")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Dashboard").click()
    page.wait_for_url(base + "/dashboard")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Koordination")
    meetings = page.locator("section", has=page.get_by_role("heading", name="Kommende Sitzungen"))
    assert "Kreishaus" in meetings.inner_text()
    _no_client_data(page, "dashboard")

    meetings.get_by_role("link", name=topic["number"]).click()
    page.wait_for_url(f"{base}/topics/{topic['id']}")
    assert topic["number"] in page.get_by_role("heading", level=1).inner_text()
    trail = page.locator("section", has=page.get_by_role("heading", name="Verlauf der Entscheidungen"))
    rows = trail.locator("tbody tr")
    assert rows.count() == 3
    texts = rows.all_inner_texts()
    assert "Thema eingebracht" in texts[0] and "Case-Management" in texts[0]
    assert "Beratung im örtlichen Gremium" in texts[1] and "An die Lenkungsgruppe eskaliert" in texts[1]
    assert "Vor Ort nicht lösbar" in texts[1]
    assert "Entscheidungsvorlage erstellt" in texts[2] and "Koordinierende Stelle" in texts[2]
    meta = page.locator(".meta").inner_text()
    assert "Lenkungsgruppe" in meta and "Sprache" in meta and "offen" in meta
    linked = page.locator("section", has=page.get_by_role("heading", name="Verknüpfte Fälle"))
    assert sorted(linked.get_by_role("link").all_inner_texts()) == sorted(c["pseudonym"] for c in cases)
    _no_client_data(page, "topic trail")

    # The linked case, the topic list, the case list and the follow-ups: pseudonyms only.
    linked.get_by_role("link", name=cases[0]["pseudonym"]).click()
    page.wait_for_url(f"{base}/cases/{cases[0]['id']}")
    assert "Pseudonymisierte Ansicht" in page.inner_text("body") and "Erstgespräch" in page.inner_text("body")
    _no_client_data(page, "case page")
    for path in ("/topics", "/cases", "/followups", "/topics?status=all"):
        page.goto(base + path)
        _no_client_data(page, path)
    page.goto(
        base + "/cases?q=Quastenbrink"
    )  # a name search finds nothing (the query itself stays in the box)
    assert "Keine Fälle gefunden." in page.inner_text("main")
    page.goto(base + "/topics")
    assert page.get_by_role("link", name=topic["number"]).count() == 1
    assert page.errors == []


def _without_csrf(html: str) -> str:
    html = re.sub(r'(name="csrf-token" content=)"[^"]*"', r'\1"…"', html)
    return re.sub(r'(name="csrf_token" value=)"[^"]*"', r'\1"…"', html)


def test_case_manager_of_another_municipality_cannot_open_the_case_by_its_url(live_server, page):  # noqa: F811
    base, cm = site(live_server), live_server.token("cm-borchen")
    case, _other = _cases(live_server, cm)
    browser_login(page, base, "cm-borchen")
    page.goto(f"{base}/cases/{case['id']}")
    assert "Quastenbrink" in page.inner_text("h1")  # her own municipality's case, with the name
    page.context.clear_cookies()

    browser_login(page, base, "cm-delbrueck")
    refused = page.goto(f"{base}/cases/{case['id']}")
    refused_text, refused_html = page.inner_text("main"), page.content()
    missing = page.goto(f"{base}/cases/987654")
    assert refused.status == missing.status == 404
    assert "Diesen Fall gibt es nicht oder Sie haben keinen Zugriff darauf." in refused_text
    assert refused_text == page.inner_text("main")  # the same page as for an id that does not exist
    # Byte for byte the same, but for the CSRF token (signed with the time, it changes every second).
    assert _without_csrf(refused_html) == _without_csrf(page.content())
    for secret in [*SECRETS, case["case_number"], case["pseudonym"]]:
        assert secret not in refused_html, secret
    # Nor do the case's task form, the search or the task list give the case away.
    (task,) = _api(live_server, "GET", "/tasks", cm, params={"case_id": case["id"]})["items"]
    assert page.goto(f"{base}/tasks/{task['id']}").status == 404
    assert not [s for s in SECRETS if s in page.content()]
    page.goto(base + "/cases?q=Quastenbrink")
    assert "Keine Fälle gefunden." in page.inner_text("main")
    page.goto(base + "/")
    assert "Quastenbrink" not in page.content() and "Xylander" not in page.content()
    assert [e.split(" ")[0] for e in page.errors] == ["404", "404", "404"]
