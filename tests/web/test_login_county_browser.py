"""In headless Chromium against the real server: with two counties the login form offers the county
select; the same user name logs in to the county chosen, a wrong county reads like a wrong password."""

from __future__ import annotations

from engine.db import make_session_factory
from tests.county_seed import HX_PASSWORD, seed_hoexter

from .helpers import site
from .test_modeler_browser import ARTIFACTS, browser, page  # noqa: F401 - the shared browser fixtures

COUNTY = "Kreis / kreisfreie Stadt"


def test_the_county_select_logs_the_same_name_in_to_its_own_county(db, live_server, page):  # noqa: F811
    base = site(live_server)
    page.goto(base + "/login")
    assert page.get_by_label(COUNTY).count() == 0  # one county: no select
    seed_hoexter(make_session_factory(db.engine), db.data_dir)
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(base + "/login")
    select = page.get_by_label(COUNTY)
    assert select.locator("option").all_inner_texts() == ["Bitte wählen", "Kreis Höxter", "Kreis Paderborn"]
    select.select_option(label="Kreis Paderborn")  # Höxter's password in the wrong county
    page.get_by_label("Benutzername").fill("cm-borchen")
    page.get_by_label("Passwort").fill(HX_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_selector("#login-error")
    assert page.locator("#login-error").inner_text() == "Benutzername oder Passwort ist falsch."
    assert page.get_by_label(COUNTY).input_value() == "paderborn"  # the choice stays
    page.screenshot(path=str(ARTIFACTS / "login-county-select.png"), full_page=True)

    page.get_by_label(COUNTY).select_option(label="Kreis Höxter")
    page.get_by_label("Passwort").fill(HX_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(base + "/")
    main = page.locator("body").inner_text()
    assert "Case-Managerin Brakel" in main and "Case-Managerin Borchen" not in main
