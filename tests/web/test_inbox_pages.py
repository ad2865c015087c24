"""The inbox page: Meine Aufgaben shows only the user's own tasks; every view with its count; process,
sort and search; the choice kept per user on the server (not in the browser)."""

from __future__ import annotations

import re

from sqlalchemy import select

from engine.access.models import User
from engine.tasks.models import InboxChoice
from tests.api.helpers import open_case
from tests.api.inbox_data import three_cases
from tests.web.helpers import web_login


def _shown(html: str) -> list[str]:
    return re.findall(r'<td data-label="Aufgabe"><a href="/tasks/([^"]+)"', html)


def _counts(html: str) -> dict[str, int]:
    return {
        v: int(n)
        for v, n in re.findall(r'data-view="(\w+)"[^>]*>[^<]*<span class="count">(\d+)</span>', html)
    }


def _current(html: str) -> str:
    (view,) = re.findall(r'data-view="(\w+)" aria-current="page"', html)
    return view


def test_meine_aufgaben_lists_only_the_users_own_tasks_and_counts_every_view(app, client, login):
    box = three_cases(app, client, login)
    csrf = web_login(client, "cm-borchen")
    home = client.get("/").text
    assert _current(home) == "mine" and _shown(home) == [box.mine]
    assert box.colleague not in home and box.unassigned not in home
    assert _counts(home) == {"mine": 1, "team": 3, "unassigned": 1, "overdue": 1, "week": 2}
    assert "Meine Aufgaben: 1 offene Aufgabe</caption>" in home
    assert _shown(client.get("/?view=team").text) == [box.unassigned, box.colleague, box.mine]
    assert _shown(client.get("/?view=unassigned").text) == [box.unassigned]
    assert _shown(client.get("/?view=overdue").text) == [box.unassigned]
    assert _shown(client.get("/?view=week").text) == [box.unassigned, box.colleague]
    # The colleague's Meine Aufgaben: hers only.
    client.post("/logout", data={"csrf_token": csrf})
    web_login(client, "cm-borchen-2")
    assert _shown(client.get("/").text) == [box.colleague]


def test_sort_process_and_search_on_the_page(app, client, login):
    box = three_cases(app, client, login)
    web_login(client, "cm-borchen")
    page = client.get("/?view=team&sort=case").text
    assert _shown(page) == [box.mine, box.colleague, box.unassigned]
    assert '<option value="case_lifecycle">' in page and "(3)</option>" in page
    assert _shown(client.get("/?sort=task").text) == [box.mine, box.unassigned, box.colleague]
    found = client.get("/", query_string={"q": box.numbers["Berger"], "sort": "due"}).text
    assert _shown(found) == [box.colleague] and f"Suche nach „{box.numbers['Berger']}“" in found
    assert _counts(found) == {
        "mine": 0,
        "team": 1,
        "unassigned": 0,
        "overdue": 0,
        "week": 1,
    }  # counts searched
    assert _shown(client.get("/?process=referral").text) == []
    assert _shown(client.get("/?process=").text) == [box.unassigned, box.colleague, box.mine]
    # No municipality filter for a municipality's case manager (she has one).
    assert 'name="municipality"' not in page


def test_the_choice_is_remembered_per_user_on_the_server(app, client, login):
    box = three_cases(app, client, login)
    csrf = web_login(client, "cm-borchen")
    client.get("/?view=overdue&sort=case&q=Erst")
    again = client.get("/").text  # a new visit: the choice is back, the search is not
    assert _current(again) == "overdue" and _shown(again) == [box.unassigned]
    assert '<option value="case" selected>' in again and 'value="Erst"' not in again
    with app.extensions["kim"]["sessions"]() as s:
        uid = s.scalar(select(User.id).where(User.username == "cm-borchen"))
        row = s.get_one(InboxChoice, uid)
        assert (row.view, row.sort, row.process_id) == ("overdue", "case", None)
    # Another user keeps her own (the default: Meine Aufgaben).
    client.post("/logout", data={"csrf_token": csrf})
    csrf = web_login(client, "cm-borchen-2")
    assert _current(client.get("/").text) == "mine"
    # Nonsense is ignored, the choice stays.
    client.post("/logout", data={"csrf_token": csrf})
    web_login(client, "cm-borchen")
    assert _current(client.get("/?view=all&sort=x").text) == "overdue"


def test_a_county_wide_team_filters_by_municipality(app, client, login):
    uma = login("cm-uma")
    open_case(client, uma, municipality="Delbrück", family_name="Demir")
    open_case(client, uma, municipality="Paderborn", family_name="Petrov")
    web_login(client, "cm-uma")
    page = client.get("/?view=team").text
    assert 'name="municipality"' in page and "Demir" in page and "Petrov" in page
    only = client.get("/?municipality=delbrueck").text
    assert "Demir" in only and "Petrov" not in only
    assert _counts(only)["team"] == 1
    assert '<option value="delbrueck" selected>' in client.get("/").text  # remembered
    assert "Petrov" in client.get("/?municipality=").text
