"""In headless Chromium against the real server: axe-core on every page of every role finds nothing of
serious or critical impact; the inbox and a task form fit a 390 px phone without sideways scrolling; each
role's main page is kept as a screenshot in the git-ignored artifacts/roles.

Adding a page: append one ``Visit`` to ``PAGES`` (role, address, and what to wait for if the page builds
itself with scripts). Addresses may name prepared things in braces ({case}, {topic}, {task_assessment},
...): ``_prepare`` makes them once through the API, and a new page that needs something of its own adds
it there under a new name.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe

from tests import lifecycle_data as d
from tests.api.helpers import CLIENT
from tests.conftest import LiveServer, clone_database, drop_database

from .helpers import browser_login, site
from .test_modeler_browser import ARTIFACTS, TIMEOUT_MS, browser  # noqa: F401 - shared fixtures

SHOTS = ARTIFACTS / "roles"
PHONE = 390
BLOCKING = {"serious", "critical"}

# Who logs in for a role (demo accounts of engine/org/seed); None: not logged in.
ACCOUNTS = {
    "anonymous": None,
    "case_manager": "cm-borchen",
    "coordinator": "coordinator",
    "steering": "steering",
    "dpo": "dpo",
    "process_owner": "process-owner",
    "admin": "admin",
    "authority": "abh",
}


class Visit(NamedTuple):
    """One page as one role sees it; ``wait``: a selector that shows the page has built itself."""

    role: str
    url: str
    wait: str | None = None


# Every page of every role. The first page of a role is its main page (screenshot).
PAGES = [
    Visit("anonymous", "/login"),
    # Case managers: the inbox, their cases, every step of the lifecycle's task forms, the case file.
    Visit("case_manager", "/"),
    Visit("case_manager", "/cases"),
    Visit("case_manager", "/cases/new"),
    Visit("case_manager", "/cases/{case}", "#ablauf .bpmn-box[data-ready=yes]"),
    Visit("case_manager", "/cases/{closed_case}"),
    Visit("case_manager", "/cases/{case}/akte"),
    Visit("case_manager", "/tasks/{task_first_contact}"),
    Visit("case_manager", "/tasks/{task_consent}"),
    Visit("case_manager", "/tasks/{task_assessment}"),
    Visit("case_manager", "/tasks/{task_referral}"),
    Visit("case_manager", "/tasks/{task_goal_agreement}"),
    Visit("case_manager", "/tasks/{task_evaluation}"),
    Visit("case_manager", "/tasks/{task_final_evaluation}"),
    Visit("case_manager", "/tasks/{task_closure}"),
    Visit("case_manager", "/followups"),
    Visit("case_manager", "/topics"),
    Visit("case_manager", "/topics/{topic}"),
    Visit("case_manager", "/gibt-es-nicht"),
    # Coordinators and the Lenkungsgruppe.
    Visit("coordinator", "/dashboard"),
    Visit("coordinator", "/"),
    Visit("coordinator", "/cases"),
    Visit("coordinator", "/followups"),
    Visit("coordinator", "/topics"),
    Visit("coordinator", "/topics/{topic}"),
    Visit("coordinator", "/topics/new"),
    Visit("coordinator", "/meetings"),
    Visit("steering", "/dashboard"),
    Visit("steering", "/"),
    Visit("steering", "/topics"),
    Visit("steering", "/topics/{topic}"),
    Visit("steering", "/meetings"),
    # The data-protection officer.
    Visit("dpo", "/"),
    Visit("dpo", "/cases"),
    Visit("dpo", "/dashboard"),  # refused: the error page
    Visit("dpo", "/privacy/audit"),
    Visit("dpo", "/privacy/access"),
    Visit("dpo", "/privacy/holds"),
    Visit("dpo", "/privacy/retention"),
    # Process owners: the modeler with a diagram open, the form editor with a form and its preview.
    Visit("process_owner", "/modeler", "#processes button[data-process]"),
    Visit("process_owner", "/", None),
    Visit("process_owner", "/prozessauswertung"),
    Visit("process_owner", "/prozessauswertung/case_lifecycle?vergleich=1", ".heatmap[data-ready=yes]"),
    Visit("coordinator", "/prozessauswertung/case_lifecycle", ".heatmap[data-ready=yes]"),
    Visit("process_owner", "/prozessauswertung/case_lifecycle/wartend/assessment"),
    Visit("process_owner", "/prozessauswertung/instanz/{case_instance}", "#ablauf .bpmn-box[data-ready=yes]"),
    Visit("process_owner", "/prozessauswertung/faelle?q=gibt-es-nicht"),
    Visit("coordinator", "/prozessauswertung/faelle/{case}", "#ablauf .bpmn-box[data-ready=yes]"),
    Visit("process_owner", "/modeler?process=case_lifecycle&version=1", "#canvas .djs-element"),
    Visit("process_owner", "/modeler/forms?form=assessment", "#preview form"),
    # The administration.
    Visit("admin", "/admin/users"),
    Visit("admin", "/"),
    Visit("admin", "/admin/users/{user}"),
    Visit("admin", "/admin/users/new"),
    Visit("admin", "/admin/organisation"),
    # Agency staff.
    Visit("authority", "/"),
    Visit("authority", "/modeler"),  # refused: the error page
    Visit("authority", "/agency/referrals"),
    Visit("authority", "/agency/referrals/{referral}"),
    Visit("coordinator", "/referrals/overview"),
    Visit("coordinator", "/offers"),
    Visit("coordinator", "/offers/new"),
    Visit("coordinator", "/offers/analysis"),
    Visit("coordinator", "/boegen/kataloge"),
    Visit("steering", "/referrals/overview"),
    Visit("process_owner", "/boegen/kataloge"),
    Visit("case_manager", "/offers"),
    Visit("case_manager", "/?view=team"),
]

# (role, address) of the pages that must fit a phone.
PHONE_PAGES = [("case_manager", "/"), ("case_manager", "/tasks/{task_assessment}")]

LIFECYCLE = [
    ("first_contact", d.FIRST_CONTACT),
    ("consent", d.CONSENT_YES),
    ("assessment", d.ASSESS_ACCOMPANY),
    ("goal_agreement", d.GOALS),
    ("evaluation", d.evaluation(go_on=False)),
    ("final_evaluation", d.FINAL),
    ("closure", d.CLOSURE_GOALS_MET),
]


def _post(server, path: str, headers: dict, body: dict) -> dict:
    r = requests.post(server.url + path, json=body, headers=headers, timeout=30)
    assert r.status_code in (200, 201), r.text
    return r.json()


def _task(server, headers: dict, case_id: int, bpmn_id: str) -> str:
    r = requests.get(server.url + "/tasks", params={"case_id": case_id}, headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    (task,) = [t for t in r.json()["items"] if t["bpmn_id"] == bpmn_id]
    return task["id"]


def _new_case(server, headers: dict) -> int:
    return _post(server, "/cases", headers, {"municipality": "borchen", "client": CLIENT})["id"]


def _prepare(server) -> dict[str, object]:
    """What the addresses name: one case waiting at each step of the lifecycle (its task as
    task_<step>), a case on the referral route (and its lifecycle instance), a closed case, a topic
    from a case and an account."""
    cm = server.token("cm-borchen")
    names: dict[str, object] = {}
    for i in range(len(LIFECYCLE) + 1):  # a case waiting at step i; the last one has gone through all
        case_id = _new_case(server, cm)
        for step, data in LIFECYCLE[:i]:
            _post(server, f"/tasks/{_task(server, cm, case_id, step)}/complete", cm, {"data": data})
        if i < len(LIFECYCLE):
            step = LIFECYCLE[i][0]
            names[f"task_{step}"] = _task(server, cm, case_id, step)
    names["closed_case"] = case_id
    names["case"] = referred = _new_case(server, cm)
    for step, data in [("first_contact", d.FIRST_CONTACT), ("consent", d.CONSENT_YES)]:
        _post(server, f"/tasks/{_task(server, cm, referred, step)}/complete", cm, {"data": data})
    assess = _task(server, cm, referred, "assessment")
    _post(server, f"/tasks/{assess}/complete", cm, {"data": d.ASSESS_REFERRAL})
    names["task_referral"] = _task(server, cm, referred, "referral")
    members = requests.get(f"{server.url}/cases/{referred}/members", headers=cm, timeout=30).json()["items"]
    names["referral"] = _post(
        server,
        f"/cases/{referred}/referrals",
        cm,
        {
            "agency": "foreigners_authority",
            "member_ids": [members[0]["id"]],
            "need": "residence",
            "reason": "Prüfung § 25b AufenthG",
            "referral_date": d.CONSENT_YES["consent_date"],
        },
    )["id"]
    names["topic"] = _post(
        server,
        "/topics",
        cm,
        {
            "title": "Fehlende Kita-Plätze",
            "category": "education",
            "municipality": "Borchen",
            "description": "Kinder warten über ein Jahr.",
            "case_ids": [referred],
        },
    )["id"]
    ((names["user"],),) = server.db.rows("SELECT id FROM users WHERE username = 'cm-borchen'")
    ((names["case_instance"],),) = server.db.rows(
        f"SELECT id FROM process_instances WHERE case_id = {referred} AND process_id = 'case_lifecycle'"
    )
    return names


@pytest.fixture(scope="module")
def server(template_db, tmp_path_factory):
    """One live server for the whole sweep (the pages only read), with the prepared things."""
    database = clone_database(template_db, tmp_path_factory.mktemp("a11y"))
    live = LiveServer(database).start()
    try:
        live.names = _prepare(live)
        yield live
    finally:
        live.stop()
        drop_database(database)


def _roles() -> list[str]:
    return list(dict.fromkeys(v.role for v in PAGES))


def _context(browser, server, role: str, width: int = 1280):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    if ACCOUNTS[role] is not None:
        browser_login(page, site(server), ACCOUNTS[role])
    return context, page


def _open(page, server, visit: Visit) -> None:
    page.goto(site(server) + visit.url.format(**server.names))
    if "/tasks/" in visit.url:  # a task form, not the note that the task is done
        page.wait_for_selector("form button[value=complete]")
    if visit.wait:
        page.wait_for_selector(visit.wait)
    page.wait_for_load_state("networkidle")


def _readable(visit: Visit, violations: list[dict]) -> list[str]:
    """One line per violation and element: where, what rule, what axe says to fix."""
    out = []
    for v in violations:
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node.get("target", []))
            out.append(
                f"{visit.role} {visit.url}: [{v['impact']}] {v['id']} – {v['help']}\n"
                f"    at {target}: {node.get('html', '')[:160]}\n"
                f"    {' '.join(node.get('failureSummary', '').split())[:300]}"
            )
    return out


@pytest.mark.parametrize("role", _roles())
def test_no_serious_or_critical_axe_violation_on_any_page_of_the_role(browser, server, role):  # noqa: F811
    axe = Axe()
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page = _context(browser, server, role)
    found: list[str] = []
    try:
        for i, visit in enumerate(v for v in PAGES if v.role == role):
            _open(page, server, visit)
            if i == 0:
                page.screenshot(path=str(SHOTS / f"{role}.png"), full_page=True)
            violations = axe.run(page).response["violations"]
            found += _readable(visit, [v for v in violations if v.get("impact") in BLOCKING])
    finally:
        context.close()
    assert not found, f"{len(found)} serious or critical axe-core findings:\n" + "\n".join(found)
    assert (SHOTS / f"{role}.png").stat().st_size > 3000


def test_the_inbox_and_a_task_form_fit_a_phone(browser, server):  # noqa: F811
    context, page = _context(browser, server, "case_manager", width=PHONE)
    try:
        for role, url in PHONE_PAGES:
            assert role == "case_manager"
            _open(page, server, Visit(role, url))
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE, f"{url} is {width} px wide at {PHONE} px"
        page.screenshot(path=str(SHOTS / "case_manager-task-390.png"), full_page=True)
    finally:
        context.close()
