"""The case page's goals (api/templates/_case_goals.html): each goal's state after the evaluations, who it
concerns, add and drop (reason first, then the confirmation); coordinators see no goal text."""

from __future__ import annotations

import re

from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case
from tests.api.test_goals import THREE, accompanied, goals

from .helpers import web_login


def _goal_line(html: str, goal_id: int) -> str:
    found = re.search(rf'<li id="goal-{goal_id}".*?</li>', html, re.DOTALL)
    assert found, goal_id
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0)))


def test_the_case_page_shows_each_goals_state_and_adds_and_drops_goals(client, login):
    h = login("cm-borchen")
    case = accompanied(client, h)
    flat, school, kita = (g["id"] for g in goals(client, h, case["id"]))
    complete(client, h, case["id"], "evaluation", d.evaluation(True, 15, goal_ids=[flat, school]))
    complete(
        client,
        h,
        case["id"],
        "evaluation",
        {**d.evaluation(True, 20), "progress": [{"goal_id": flat, "status": "achieved"}]},
    )
    csrf = web_login(client)
    page = client.get(f"/cases/{case['id']}").text
    assert "Eigene Wohnung für die Familie (Wohnen) : erreicht" in _goal_line(page, flat)
    assert "Zieldatum 30.06.2027" in _goal_line(page, flat) and "20.11.2026" in _goal_line(page, flat)
    assert "in Bearbeitung" in _goal_line(page, school)
    assert "noch nicht bewertet" in _goal_line(page, kita)

    # add: an unknown life area is refused next to its field, nothing saved; then added
    r = client.post(
        f"/cases/{case['id']}/goals", data={"csrf_token": csrf, "text": "Deutschkurs", "life_area": ""}
    )
    assert r.status_code == 422 and "Bitte einen Lebensbereich wählen." in r.text
    assert 'value="Deutschkurs"' in r.text and len(goals(client, h, case["id"])) == 3
    r = client.post(
        f"/cases/{case['id']}/goals",
        data={
            "csrf_token": csrf,
            "text": "Deutschkurs B1",
            "life_area": "language",
            "target_date": "2027-05-01",
        },
    )
    assert r.status_code == 303
    added = goals(client, h, case["id"])[-1]
    assert added["text"] == "Deutschkurs B1" and added["source"] == "added"

    # drop: no reason -> 422; a reason -> the confirmation; only the confirmed form drops
    drop = f"/cases/{case['id']}/goals/{kita}/drop"
    r = client.post(drop, data={"csrf_token": csrf, "reason": ""})
    assert r.status_code == 422 and "Bitte einen Grund angeben." in r.text
    r = client.post(drop, data={"csrf_token": csrf, "reason": "Platz anderweitig gefunden"})
    assert r.status_code == 200 and "Bitte bestätigen: Ziel aufgeben?" in r.text
    assert goals(client, h, case["id"])[2]["status"] == "open"
    r = client.post(drop, data={"csrf_token": csrf, "reason": "Platz anderweitig gefunden", "_confirm": "1"})
    assert r.status_code == 303
    page = client.get(f"/cases/{case['id']}").text
    assert "aufgegeben" in _goal_line(page, kita) and "Platz anderweitig gefunden" in _goal_line(page, kita)
    r = client.post(drop, data={"csrf_token": csrf, "reason": "noch einmal", "_confirm": "1"})
    assert r.status_code == 409 and "bereits aufgegeben" in r.text

    # the next evaluation offers the goals not dropped
    task = next(t for t in client.get(f"/api/v1/tasks?case_id={case['id']}", headers=h).json["items"])
    form = client.get(f"/tasks/{task['id']}").text
    assert "Eigene Wohnung für die Familie (Wohnen)" in form and "Deutschkurs B1 (Sprache)" in form
    assert "Kita-Platz" not in form


def test_coordinators_see_goal_states_without_text(client, login):
    h = login("cm-borchen")
    case = accompanied(client, h)
    web_login(client, "coordinator")
    page = client.get(f"/cases/{case['id']}")
    assert page.status_code == 200
    for goal in THREE["goals"]:
        assert goal["goal"] not in page.text
    assert "Wohnen" in page.text and "noch nicht bewertet" in page.text
    assert "Ziel ergänzen" not in page.text and "Ziel aufgeben" not in page.text


def test_a_case_without_goal_rows_keeps_its_history_goals(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    web_login(client)
    page = client.get(f"/cases/{case['id']}")
    assert page.status_code == 200 and 'id="h-goals"' in page.text and "Keine Einträge." in page.text
