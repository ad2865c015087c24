"""One source for due and overdue: the follow-up overview, the dashboard tile, the case page and the
inbox agree, because all of them read the due time of the follow-up's open tasks."""

import re

import pytest

from engine import clock
from tests.api.helpers import give_consent, open_case
from tests.engine.followups.helpers import FOLLOW_UP_TASKS, checkin, fire, start_job, travel
from tests.web.helpers import web_login

TILE = re.compile(r'<span class="num">(\d+)</span><span>Nachverfolgungen fällig</span>')


@pytest.fixture(autouse=True)
def _real_clock():
    yield
    clock.reset()


def _everyone(client, web, cm, coord, case_id) -> dict:
    """What each reader says about the follow-up right now."""
    (item,) = client.get("/api/v1/followups?within_days=30", headers=coord).json["items"]
    tasks = client.get(f"/api/v1/tasks?case_id={case_id}", headers=cm).json["items"]
    overdue = client.get(f"/api/v1/tasks?case_id={case_id}&overdue=true", headers=cm).json["items"]
    tile = int(TILE.search(web["coordinator"].get("/dashboard").text).group(1))
    page = web["cm-uma"].get(f"/cases/{case_id}").text
    section = page.split('id="h-followup"')[1].split("</section>")[0]
    return {
        "overview": item["state"],
        "tile": tile,
        "inbox_open": [t["bpmn_id"] for t in tasks if t["bpmn_id"] in FOLLOW_UP_TASKS],
        "inbox_overdue": [t["bpmn_id"] for t in overdue],
        "case_page": "überfällig" if "überfällig" in section else "fällig" if "fällig:" in section else "?",
    }


def test_overview_dashboard_case_page_and_inbox_agree_on_a_follow_up_started_on_31_january(
    app, client, login
):
    cm, coord = login("cm-uma"), login("coordinator")
    web = {name: app.test_client() for name in ("coordinator", "cm-uma")}
    for name, browser in web.items():
        web_login(browser, name)
    travel("2025-01-20")
    case = open_case(client, cm, municipality="Delbrück")
    give_consent(client, cm, case["id"])
    start_job(client, cm, case["id"], "2025-01-31", talk_date="2025-01-20")
    for day in ("2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31", "2025-06-30"):
        travel(day)
        fire(app)
        checkin(client, cm, case["id"], day)

    travel("2025-07-31")  # the six-month task comes, due two weeks later (end of 14 August)
    fire(app)
    due = {
        "overview": "due",
        "tile": 1,
        "inbox_open": ["six_month_followup"],
        "inbox_overdue": [],
        "case_page": "fällig",
    }
    assert _everyone(client, web, cm, coord, case["id"]) == due
    travel("2025-08-14", 23)  # the last hour of its due day: still due, nowhere overdue
    assert _everyone(client, web, cm, coord, case["id"]) == due
    overdue = {
        **due,
        "overview": "overdue",
        "inbox_overdue": ["six_month_followup"],
        "case_page": "überfällig",
    }
    travel("2025-08-15")
    assert _everyone(client, web, cm, coord, case["id"]) == overdue
    travel("2025-10-15")  # two months overdue: still in the overview, as overdue
    assert _everyone(client, web, cm, coord, case["id"]) == overdue
