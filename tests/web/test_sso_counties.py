"""Single sign-on with two counties: the county comes from a claim or the setting, never the browser."""

import pytest

from tests.county_seed import add_hoexter
from tests.web.oidc_provider import Provider
from tests.web.test_sso import _app, _through_provider

NO_COUNTY = "kein Kreis bzw. keine kreisfreie Stadt festgelegt"


@pytest.fixture
def provider():
    p = Provider().start()
    yield p
    p.stop()


@pytest.fixture
def make_app(settings, provider, tmp_path):
    apps = []

    def _make(**extra):
        app = _app(settings, provider.url, **extra)
        apps.append(app)
        add_hoexter(app, tmp_path)
        return app

    yield _make
    for app in apps:
        app.extensions["kim"]["engine"].dispose()


def _signed_in_as(client) -> str:
    page = client.get("/")
    assert page.status_code == 200
    return page.text


def test_without_a_configured_county_two_counties_refuse_with_a_german_message(make_app):
    client = make_app().test_client()
    r = _through_provider(client)
    assert r.status_code == 200 and NO_COUNTY in r.text
    assert client.get("/").status_code == 302


def test_the_tenant_claim_names_the_county(make_app, provider):
    app = make_app(oidc_tenant_claim="kim_tenant")
    provider.extra_claims = {"kim_tenant": "hoexter"}
    client = app.test_client()
    assert _through_provider(client).status_code == 303
    page = _signed_in_as(client)
    assert "Case-Managerin Brakel" in page and "Case-Managerin Borchen" not in page
    provider.extra_claims = {}  # the claim is missing: refused, not the only or first county
    other = app.test_client()
    r = _through_provider(other)
    assert r.status_code == 200 and NO_COUNTY in r.text
    provider.extra_claims = {"kim_tenant": "atlantis"}
    r = _through_provider(app.test_client())
    assert r.status_code == 200 and "kein aktives Konto" in r.text


def test_the_fixed_county_setting(make_app):
    client = make_app(oidc_tenant="paderborn").test_client()
    assert _through_provider(client).status_code == 303
    assert "Case-Managerin Borchen" in _signed_in_as(client)
