"""In headless Chromium against the real server: the case page draws the case's diagram with the open
evaluation #2 marked; a process owner's heat map of a small demo county marks the element where most
cases wait. The pictures are kept as test artefacts."""

from __future__ import annotations

import subprocess

import requests

from engine.config import PROJECT_ROOT
from tests import lifecycle_data as d
from tests.api.helpers import CLIENT
from tests.conftest import BIN, LiveServer

from .helpers import browser_login, site
from .test_modeler_browser import ARTIFACTS, browser, page  # noqa: F401 - the shared browser fixtures


def _complete(server, headers, case_id: int, bpmn_id: str, data: dict) -> None:
    r = requests.get(server.url + "/tasks", params={"case_id": case_id}, headers=headers, timeout=30)
    (task,) = [t for t in r.json()["items"] if t["bpmn_id"] == bpmn_id]
    done = requests.post(
        f"{server.url}/tasks/{task['id']}/complete", json={"data": data}, headers=headers, timeout=30
    )
    assert done.status_code == 200, done.text


def test_the_case_page_draws_the_diagram_with_evaluation_two_marked(live_server, page):  # noqa: F811
    cm = live_server.token("cm-borchen")
    r = requests.post(
        live_server.url + "/cases", json={"municipality": "borchen", "client": CLIENT}, headers=cm, timeout=30
    )
    case_id = r.json()["id"]
    for bpmn_id, data in [
        ("first_contact", d.FIRST_CONTACT),
        ("consent", d.CONSENT_YES),
        ("assessment", d.ASSESS_ACCOMPANY),
        ("goal_agreement", d.GOALS),
        ("evaluation", d.evaluation(True, 15)),
    ]:
        _complete(live_server, cm, case_id, bpmn_id, data)
    base = site(live_server)
    browser_login(page, base, "cm-borchen")
    page.goto(f"{base}/cases/{case_id}")
    page.wait_for_selector("#ablauf .bpmn-box[data-ready=yes]")
    current = page.locator('#ablauf g.djs-element.kim-current[data-element-id="evaluation"]')
    assert current.count() == 1
    assert page.locator('#ablauf g.djs-element.kim-done[data-element-id="first_contact"]').count() == 1
    assert page.locator('#ablauf g.djs-element.kim-done[data-element-id="goal_agreement"]').count() == 1
    assert page.locator("#ablauf g.djs-element.kim-current").count() == 1
    page.locator('#ablauf g.djs-element[data-element-id="first_contact"]').click()
    detail = page.locator("#ablauf .diagram-detail")
    detail.get_by_text("Erstgespräch").wait_for()
    assert "2026" in detail.inner_text()
    page.locator("#ablauf").screenshot(path=str(ARTIFACTS / "case-diagram-evaluation-2.png"))


def test_a_process_owners_heat_map_of_the_demo_county_marks_where_most_cases_wait(db, page):  # noqa: F811
    out = subprocess.run(
        [
            str(BIN / "kim"),
            "generate-demo",
            "--county",
            "paderborn",
            "--scale",
            "0.05",
            "--from-year",
            "2025",
        ],
        env=db.env(),
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    server = LiveServer(db).start()
    try:
        owner = server.token("process-owner")
        figures = requests.get(
            server.url + "/processes/case_lifecycle/insight", headers=owner, timeout=60
        ).json()
        waiting = {e["bpmn_id"]: e["waiting"] or 0 for e in figures["elements"]}
        busiest = max(waiting, key=lambda k: waiting[k])
        assert waiting[busiest] >= 3 and figures["most_waiting"] == busiest
        base = site(server)
        browser_login(page, base, "process-owner")
        page.get_by_role("link", name="Prozessauswertung").first.click()
        page.get_by_role("link", name=figures["name"]).click()
        page.wait_for_selector(".heatmap[data-ready=yes]")
        marked = page.locator("g.djs-element.kim-most-waiting")
        assert marked.count() == 1 and marked.get_attribute("data-element-id") == busiest
        # The same figures as a table for screen readers.
        row = page.locator("tr.most-waiting")
        assert str(waiting[busiest]) in row.inner_text()
        page.screenshot(path=str(ARTIFACTS / "heat-map-demo-county.png"), full_page=True)
    finally:
        server.stop()


def test_a_process_owner_goes_from_the_heat_map_to_a_waiting_case_and_its_diagram(live_server, page):  # noqa: F811
    cm = live_server.token("cm-borchen")
    cases = []
    for _ in range(3):  # three cases waiting at evaluation #2: enough to be shown on the heat map
        r = requests.post(
            live_server.url + "/cases",
            json={"municipality": "borchen", "client": CLIENT},
            headers=cm,
            timeout=30,
        )
        cases.append(r.json())
        for bpmn_id, data in [
            ("first_contact", d.FIRST_CONTACT),
            ("consent", d.CONSENT_YES),
            ("assessment", d.ASSESS_ACCOMPANY),
            ("goal_agreement", d.GOALS),
            ("evaluation", d.evaluation(True, 15)),
        ]:
            _complete(live_server, cm, cases[-1]["id"], bpmn_id, data)
    pseudonym = cases[0]["pseudonym"]
    base = site(live_server)
    browser_login(page, base, "process-owner")
    page.goto(f"{base}/prozessauswertung/case_lifecycle")
    page.wait_for_selector(".heatmap[data-ready=yes]")
    page.locator('.heatmap g.djs-element[data-element-id="evaluation"]').click()
    page.wait_for_url("**/prozessauswertung/case_lifecycle/wartend/evaluation*")
    rows = page.locator("#waiting tbody tr")
    assert rows.count() == 3
    row = rows.filter(has_text=pseudonym)
    row.get_by_role("link", name="Ablauf ansehen").click()
    page.wait_for_url("**/prozessauswertung/instanz/*")
    page.wait_for_selector("#ablauf .bpmn-box[data-ready=yes]")
    assert page.locator('#ablauf g.djs-element.kim-current[data-element-id="evaluation"]').count() == 1
    assert page.locator("#ablauf g.djs-element.kim-current").count() == 1
    assert page.locator('#ablauf g.djs-element.kim-done[data-element-id="assessment"]').count() == 1
    page.locator('#ablauf g.djs-element[data-element-id="first_contact"]').click()
    detail = page.locator("#ablauf .diagram-detail")
    detail.get_by_text("Case-Management", exact=False).wait_for()  # by role, not by name
    assert pseudonym in page.locator("h1").inner_text()
    html = page.content()
    for needle in (
        CLIENT["given_name"],
        CLIENT["family_name"],
        CLIENT["birth_date"],
        "Case-Managerin Borchen",
    ):
        assert needle not in html, needle
    page.screenshot(path=str(ARTIFACTS / "insight-case-diagram-process-owner.png"), full_page=True)
