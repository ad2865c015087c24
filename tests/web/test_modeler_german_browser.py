"""In headless Chromium against the real server: the modeler speaks German (palette, context pad, replace
menu, properties panel) and offers only the elements the engine runs (api/static/modeler_limits.js)."""

from __future__ import annotations

import re

from .helpers import browser_login, site
from .test_modeler_browser import browser, page  # noqa: F401 - the shared browser fixtures

# English words of bpmn-js's own texts; none may be left where a process owner reads ("Gateway" is
# German BPMN usage too).
ENGLISH = re.compile(
    r"\b(Task|Tasks|General|listeners?|Asynchronous|continuations|Inputs?|Outputs?|Extension|properties|"
    r"Documentation|Event|Flow|Process|Create|Append|Change|Connect|Delete|Activate)\b"
)
# Replacements the engine refuses (engine/workflow/unsupported.py) or cannot call (call activities).
REFUSED = re.compile(
    r"^replace-with-(send-task|service-task|rule-task|call-activity|transaction|(collapsed-)?ad-hoc-subprocess|"
    r"complex-gateway|data-store-reference|compensation-.*|link-.*|cancel-.*|timer-start)$"
)


def _select(pg, element_id: str) -> None:
    pg.evaluate("id => kimModeler.select(id)", element_id)
    pg.wait_for_selector(".bio-properties-panel-header-type")


def _panel_texts(pg) -> list[str]:
    return pg.locator(
        ".bio-properties-panel-header-type, .bio-properties-panel-group-header-title"
    ).all_inner_texts()


def _replace_menu(pg, element_id: str) -> dict[str, str]:
    """The replace menu's entries of an element, opened as a user does (context pad), id -> label."""
    _select(pg, element_id)
    pg.locator('.djs-context-pad .entry[data-action="replace"]').click()
    pg.wait_for_selector(".djs-popup-results .entry")
    entries = pg.locator(".djs-popup-results .entry").evaluate_all(
        "es => es.map(e => [e.dataset.id, e.textContent.trim() || e.title])"
    )
    pg.keyboard.press("Escape")
    return dict(entries)


def test_the_modeler_is_german_and_offers_what_the_engine_runs(live_server, page):  # noqa: F811
    base = site(live_server)
    browser_login(page, base, "process-owner")
    page.goto(base + "/modeler?process=case_lifecycle&version=1")
    page.wait_for_selector("#status >> text=Version 1 von case_lifecycle ist geöffnet")

    # The properties panel: the element's type and every group heading in German.
    _select(page, "first_contact")
    texts = _panel_texts(page)
    assert texts[0].lower() == "benutzeraufgabe", texts
    for group in ("Allgemein", "Aufgaben-Listener", "Asynchrone Fortsetzung", "Erweiterungs-Eigenschaften"):
        assert group in texts, texts
    assert "Eingaben" in texts or "Ausgaben" in texts, texts
    for element in (
        "start",
        "first_contact",
        "gw_consent",
        "flow_referral",
        "case_work",
        "set_no_consent",
        "case_lifecycle",
    ):
        if page.evaluate("id => !!kimModeler.modeler.get('elementRegistry').get(id)", element):
            _select(page, element)
            english = [t for t in _panel_texts(page) if ENGLISH.search(t)]
            assert not english, (element, english)

    # The palette: German tooltips, no data store.
    palette = dict(
        page.locator(".djs-palette .entry").evaluate_all(
            "es => es.map(e => [e.dataset.action, e.getAttribute('aria-label') || e.title])"
        )
    )
    assert "create.data-store" not in palette and palette["create.task"] == "Aufgabe anlegen"
    assert not [t for t in palette.values() if ENGLISH.search(t or "")], palette

    # The context pad and the replace menu of a user task and of the first start event.
    _select(page, "first_contact")
    pad = page.locator(".djs-context-pad .entry").evaluate_all("es => es.map(e => e.title)")
    assert pad and not [t for t in pad if ENGLISH.search(t or "")], pad
    tasks = _replace_menu(page, "first_contact")
    assert "replace-with-manual-task" in tasks and tasks["replace-with-manual-task"] == "Manuelle Aufgabe"
    assert not [k for k in tasks if REFUSED.match(k)], tasks
    assert not [t for t in tasks.values() if ENGLISH.search(t)], tasks
    start = "start"  # the process's own start event (a timer start would be refused there)
    starts = _replace_menu(page, start)
    assert "replace-with-message-start" in starts and "replace-with-timer-start" not in starts, starts
    assert starts["replace-with-message-start"] == "Nachrichten-Startereignis"
    assert page.errors == []
