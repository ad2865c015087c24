"""The case page's Prüfungen der Behörden (api/templates/_case_checks.html): a finished §25b check with
its missing criterion, "Als Ziel übernehmen" adds the goal once; coordinators see no notes and no button."""

from __future__ import annotations

import re

import pytest

from engine import clock
from tests.engine.checks.helpers import RESULT, do, referred, start, task
from tests.engine.followups.helpers import travel

from .helpers import web_login


@pytest.fixture(autouse=True)
def _on_the_twentieth():
    travel("2026-11-20")
    yield
    clock.reset()


def _row(html: str, key: str) -> str:
    found = re.search(rf'<tr data-criterion="{key}">.*?</tr>', html, re.DOTALL)
    assert found, key
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0)))


def test_a_missing_criterion_becomes_a_goal_from_the_case_page(app, client, login):
    case, ref = referred(app, client, login)
    abh = login("abh")
    check = start(client, abh, ref["id"])
    csrf = web_login(client)
    page = client.get(f"/cases/{case['id']}").text
    assert "Prüfungen der Behörden" in page and "Die Prüfung läuft noch" in page
    do(client, abh, task(client, abh, "assess")["id"], RESULT)
    page = client.get(f"/cases/{case['id']}").text
    assert "keine Rechtsberatung" in page and "Voraussetzungen noch nicht erfüllt" in page
    line = _row(page, "b_language")
    assert "fehlt noch" in line and "A2-Zertifikat fehlt" in line and "01.06.2027" in line
    assert "Als Ziel übernehmen" in line and "Als Ziel übernehmen" not in _row(page, "b_stay")
    r = client.post(
        f"/cases/{case['id']}/checks/{check['id']}/goals",
        data={"csrf_token": csrf, "criterion": "b_language"},
    )
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/cases/{case['id']}#goals")
    page = client.get(f"/cases/{case['id']}").text
    assert "Als Ziel übernommen" in _row(page, "b_language")
    assert "§ 25b: hinreichende mündliche Deutschkenntnisse (Sprachniveau A2): A2-Zertifikat fehlt" in page
    r = client.post(
        f"/cases/{case['id']}/checks/{check['id']}/goals",
        data={"csrf_token": csrf, "criterion": "b_language"},
    )
    assert r.status_code == 409 and "schon ein Ziel" in r.text


def test_coordinators_see_the_result_without_notes_or_button(app, client, login):
    case, ref = referred(app, client, login)
    abh = login("abh")
    start(client, abh, ref["id"])
    do(client, abh, task(client, abh, "assess")["id"], RESULT)
    web_login(client, "coordinator")
    page = client.get(f"/cases/{case['id']}").text
    line = _row(page, "b_language")
    assert "fehlt noch" in line and "01.06.2027" in line
    assert (
        "A2-Zertifikat" not in page and "Sprachkurs läuft" not in page and "Als Ziel übernehmen" not in page
    )
    assert "Karim" not in page
