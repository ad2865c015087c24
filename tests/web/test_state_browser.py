"""In headless Chromium against the real server: the Landesübersicht of the state account has no
serious or critical axe-core finding (tables, chart, year choice), and it starts there after login."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from engine.db import make_session_factory
from tests import state_data
from tests.conftest import LiveServer
from tests.state_data import STATE_PASSWORD, STATE_USER, YEAR

from .helpers import site
from .test_modeler_browser import TIMEOUT_MS, browser  # noqa: F401 - shared fixture

BLOCKING = {"serious", "critical"}


@pytest.fixture
def server(db):
    engine = create_engine(db.url, poolclass=NullPool)
    state_data.build(make_session_factory(engine))
    engine.dispose()
    live = LiveServer(db).start()
    yield live
    live.stop()


def test_the_state_page_is_accessible_and_the_state_accounts_start(browser, server):  # noqa: F811
    base = site(server)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(base + "/login")
        page.get_by_label("Benutzername").fill(STATE_USER)
        page.get_by_label("Passwort").fill(STATE_PASSWORD)
        page.get_by_label("Kreis / kreisfreie Stadt").select_option(label="Land Nordrhein-Westfalen")
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_url(base + "/state")
        page.get_by_label("Schuljahr", exact=True).select_option(YEAR)
        page.get_by_role("button", name="Anzeigen").click()
        page.wait_for_url(f"{base}/state?school_year=2025%2F26")
        overview = page.get_by_role(
            "table", name="Kennzahlen je Kreis und kreisfreier Stadt im Schuljahr 2025/26"
        )
        assert overview.get_by_role("rowheader", name="Kreis Paderborn").is_visible()
        violations = Axe().run(page).response["violations"]
        found = [f"{v['id']}: {v['help']}" for v in violations if v.get("impact") in BLOCKING]
        assert not found, found
    finally:
        context.close()
