"""In headless Chromium against the real server: a case manager's day on the task forms, from the first
contact to the closure, with a form error shown and corrected on the way."""

from __future__ import annotations

import requests

from tests.api.helpers import CLIENT

from .test_modeler_browser import ARTIFACTS, browser, page  # noqa: F401 - the shared browser fixtures


def _site(server) -> str:
    return server.url.removesuffix("/api/v1")


def _ready(server, headers, case_id: int) -> list[dict]:
    r = requests.get(server.url + "/tasks", params={"case_id": case_id}, headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def _open(pg, server, headers, case_id: int, bpmn_id: str) -> None:
    (task,) = [t for t in _ready(server, headers, case_id) if t["bpmn_id"] == bpmn_id]
    pg.goto(f"{_site(server)}/tasks/{task['id']}")
    pg.wait_for_selector("form button[value=complete]")


def _done(pg, site: str, confirm: str | None = None) -> None:
    """Erledigen; a decision that ends something is asked again with its consequence: ``confirm`` it."""
    pg.get_by_role("button", name="Erledigen").click()
    if confirm:
        pg.wait_for_selector(".confirm-box")
        pg.get_by_role("button", name=confirm).click()
    pg.wait_for_url(lambda url: "/tasks/" not in url)
    assert pg.url.startswith(site)


def _evaluate(pg, site: str, day: str, status: str, go_on: bool) -> None:
    pg.get_by_label("Datum der Evaluation").fill(day)
    # the case's goals are the choice (one goal: a radio button), no free text beside them
    pg.locator("#f-progress-0-goal_id").get_by_label("Eigene Wohnung (Wohnen)", exact=True).check()
    assert pg.locator("#f-progress-0-goal").count() == 0
    pg.locator("#f-progress-0-status").get_by_label(status, exact=True).check()  # four choices: radio buttons
    group = pg.get_by_role("group", name="Begleitung fortsetzen")  # a decision: Ja/Nein, nothing preselected
    if go_on:
        group.get_by_label("Ja, die Begleitung wird fortgesetzt (nächste Evaluation)").check()
        _done(pg, site)
    else:
        group.get_by_label("Nein, die Begleitung endet").check()
        _done(pg, site, confirm="Ja, Begleitung beenden")


def test_case_manager_works_a_case_from_first_contact_to_closure(live_server, page):  # noqa: F811
    site = _site(live_server)
    cm = live_server.token("cm-borchen")
    r = requests.post(
        live_server.url + "/cases", json={"municipality": "borchen", "client": CLIENT}, headers=cm, timeout=30
    )
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(site + "/login")
    page.get_by_label("Benutzername").fill("cm-borchen")
    page.get_by_label("Passwort").fill("demo")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(site + "/")

    # Erstgespräch, first saved as a draft and found again.
    _open(page, live_server, cm, case_id, "first_contact")
    page.get_by_label("Anliegen").fill("Arbeit und Wohnung")
    page.get_by_role("button", name="Entwurf speichern").click()
    page.wait_for_selector("text=wiederhergestellt")
    assert page.get_by_label("Anliegen").input_value() == "Arbeit und Wohnung"
    page.get_by_label("Datum des Erstgesprächs").fill("2026-11-02")
    page.get_by_role("group", name="Kontaktweg").get_by_label("persönlich").check()
    page.get_by_label("Dolmetschung erforderlich").check()
    page.screenshot(path=str(ARTIFACTS / "task-first-contact.png"), full_page=True)
    _done(page, site)

    # Einwilligung with releases.
    _open(page, live_server, cm, case_id, "consent")
    page.get_by_role("group", name="Einwilligung erteilt").get_by_label(
        "Ja, die Einwilligung ist erteilt"
    ).check()
    page.get_by_label("Datum der Einwilligung").fill("2026-11-02")
    page.get_by_label("Einverständniserklärung zur Datenverarbeitung unterschrieben").check()
    page.get_by_label("Jobcenter (SGB II)").check()
    page.get_by_label("Ausländerbehörde", exact=True).check()
    page.screenshot(path=str(ARTIFACTS / "task-consent.png"), full_page=True)
    _done(page, site)

    # Falleinschätzung: two needs, accompaniment.
    _open(page, live_server, cm, case_id, "assessment")
    page.locator("#f-needs-0-life_area").select_option(label="Wohnen")
    page.get_by_role("button", name="Weitere Zeile: Bedarf").click()
    page.locator("#f-needs-1-life_area").select_option(label="Kinderbetreuung")
    page.get_by_label("Zuständiger Rechtskreis").select_option(label="Kein anderer Rechtskreis zuständig")
    page.get_by_role("group", name="Weiteres Vorgehen").get_by_label("Prozessbegleitung").check()
    page.screenshot(path=str(ARTIFACTS / "task-assessment.png"), full_page=True)
    _done(page, site)

    # Zielvereinbarung: the target date forgotten, shown at the field and in the summary, then corrected.
    _open(page, live_server, cm, case_id, "goal_agreement")
    page.get_by_label("Datum der Zielvereinbarung").fill("2026-11-10")
    page.locator("#f-goals-0-goal").fill("Eigene Wohnung")
    page.locator("#f-goals-0-life_area").select_option(label="Wohnen")
    page.get_by_role("button", name="Erledigen").click()
    page.wait_for_selector(".error-summary")
    assert "Zieldatum" in page.inner_text(".error-summary")
    assert page.inner_text("#f-goals-0-target_date-error") == "Pflichtfeld: bitte ausfüllen."
    assert page.locator("#f-goals-0-target_date").get_attribute("aria-invalid") == "true"
    assert page.locator("#f-goals-0-goal").input_value() == "Eigene Wohnung"
    page.screenshot(path=str(ARTIFACTS / "task-form-error.png"), full_page=True)
    page.locator(".error-summary a").first.click()
    page.locator("#f-goals-0-target_date").fill("2027-06-30")
    _done(page, site)

    # Two evaluations: continue, then end the accompaniment.
    _open(page, live_server, cm, case_id, "evaluation")
    _evaluate(page, site, "2026-11-15", "in Bearbeitung", go_on=True)
    _open(page, live_server, cm, case_id, "evaluation")
    page.screenshot(path=str(ARTIFACTS / "task-evaluation.png"), full_page=True)
    _evaluate(page, site, "2026-11-25", "erreicht", go_on=False)
    page.goto(f"{site}/cases/{case_id}")  # the goal's state follows the latest evaluation
    goal = page.locator("#goals li.goal").first
    assert "Eigene Wohnung" in goal.inner_text() and goal.locator(".goal-status").inner_text() == "erreicht"

    _open(page, live_server, cm, case_id, "final_evaluation")
    page.get_by_label("Datum der Auswertung").fill("2026-11-29")
    page.get_by_role("group", name="Zielerreichung").get_by_label("alle Ziele erreicht").check()
    page.get_by_label("Zusammenfassung").fill("Wohnung gefunden")
    _done(page, site)

    _open(page, live_server, cm, case_id, "closure")
    page.get_by_label("Abschlussgrund").select_option(label="Ziele erreicht")
    page.get_by_label("Abschlussdatum").fill("2026-11-30")
    _done(page, site, confirm="Ja, Fall abschließen")

    case = requests.get(f"{live_server.url}/cases/{case_id}", headers=cm, timeout=30).json()
    assert case["status"] == "closed", case
    assert _ready(live_server, cm, case_id) == []
    # The one 422 is the goal agreement sent without a target date; nothing else failed.
    assert [e for e in page.errors if not e.startswith("422 ")] == []
    assert len(page.errors) == 1
