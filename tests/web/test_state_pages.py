"""The Landesübersicht page: it renders for the state account (accessible tables, the chart, the
downloads) and is refused to county roles; the state account sees no other page."""

from __future__ import annotations

import re

import pytest

from tests import state_data
from tests.state_data import STATE_PASSWORD, STATE_USER, YEAR
from tests.web.helpers import submit_login, web_login


@pytest.fixture
def world(app):
    return state_data.build(app.extensions["kim"]["sessions"])


def _land(client):
    r = submit_login(client, STATE_USER, STATE_PASSWORD)
    assert r.status_code == 303, r.text


def test_the_state_page_shows_every_county_side_by_side(client, world):
    _land(client)
    start = client.get("/")
    assert start.status_code == 302 and start.headers["Location"].endswith("/state")
    page = client.get("/state", query_string={"school_year": YEAR})
    assert page.status_code == 200
    html = page.text
    assert "Landesübersicht" in html and 'aria-current="page"' in html
    overview = html[
        html.index('id="state-overview"') : html.index("</table>", html.index('id="state-overview"'))
    ]
    assert "<caption>" in overview and '<th scope="col">' in overview
    rows = re.findall(r'<tr data-tenant="([a-z-]*)"><th scope="row">([^<]+)</th>', overview)
    assert rows == [
        ("hoexter", "Kreis Höxter"),
        ("paderborn", "Kreis Paderborn"),
        ("", "Alle Kreise zusammen"),
    ]
    pb = overview[overview.index('data-tenant="paderborn"') :]
    cells = re.findall(r'<td class="count">(.*?)</td>', pb)
    assert cells[0] == "12" and "&lt;3" in cells[1]  # persons supported; CM cases hidden
    assert "Nordrhein-Westfalen" not in html  # the state's own tenant is no row
    assert html.count('<table class="state-figures"') == 7  # the overview and six breakdowns
    assert '<svg class="chart"' in html
    for kind in ("csv", "xlsx", "json"):
        assert f"/api/v1/state/export?school_year=2025/26&amp;format={kind}" in html
    nav = html[html.index('<nav class="main-nav"') : html.index("</nav>")]
    assert re.findall(r'<a href="([^"]+)"', nav) == ["/state"]  # its navigation: the overview only


@pytest.mark.parametrize("path", ["/cases", "/dashboard", "/topics", "/followups", "/admin/users"])
def test_the_state_account_sees_no_other_page(client, world, path):
    _land(client)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("username", ["coordinator", "steering", "cm-borchen", "admin"])
def test_county_roles_are_refused_the_state_page(client, world, username):
    web_login(client, username)
    r = client.get("/state")
    assert r.status_code == 403
    assert "Landesebene" in r.text
