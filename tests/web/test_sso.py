"""Single sign-on against a real OpenID Connect provider over HTTP (tests/web/oidc_provider.py)."""

from dataclasses import replace
from urllib.parse import urlsplit

import pytest
import requests

from api.app import create_app
from tests.conftest import free_port
from tests.web.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider

LABEL = "Mit dem Kreis-Konto anmelden"


@pytest.fixture
def provider():
    p = Provider().start()
    yield p
    p.stop()


def _app(settings, issuer, **extra):
    return create_app(
        replace(
            settings, oidc_issuer=issuer, oidc_client_id=CLIENT_ID, oidc_client_secret=CLIENT_SECRET, **extra
        )
    )


@pytest.fixture
def sso_app(settings, provider):
    app = _app(settings, provider.url)
    yield app
    app.extensions["kim"]["engine"].dispose()


def _through_provider(client, start="/login/sso"):
    """Start at our /login/sso, let the provider answer, come back; the callback's response."""
    r = client.get(start)
    assert r.status_code == 302, r.text
    at_provider = requests.get(r.headers["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == "/login/sso/callback"
    return client.get(back.path + "?" + back.query)


def test_login_page_offers_single_sign_on(sso_app):
    html = sso_app.test_client().get("/login").text
    assert LABEL in html and 'href="/login/sso"' in html


def test_single_sign_on_logs_in_an_existing_account(sso_app):
    client = sso_app.test_client()
    r = _through_provider(client)
    assert r.status_code == 303 and r.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200 and "Meine Aufgaben" in page.text
    assert client.get("/api/v1/tasks").status_code == 200  # the same web session as with a password


def test_single_sign_on_keeps_a_local_next(sso_app):
    client = sso_app.test_client()
    r = _through_provider(client, "/login/sso?next=/%3Ffilter%3Doffen")
    assert r.headers["Location"] == "/?filter=offen"
    r = _through_provider(client, "/login/sso?next=//evil.example")
    assert r.headers["Location"] == "/"


def test_unknown_identity_gets_a_german_message(sso_app, provider):
    provider.username = "unbekannt"
    client = sso_app.test_client()
    r = _through_provider(client)
    assert r.status_code == 200
    assert "kein aktives Konto" in r.text and "<h1>Anmelden</h1>" in r.text
    assert client.get("/").status_code == 302


def test_denied_at_the_provider(sso_app, provider):
    provider.deny = True
    r = _through_provider(sso_app.test_client())
    assert r.status_code == 200 and "abgebrochen oder abgelehnt" in r.text


def test_id_token_with_a_foreign_signature_is_refused(sso_app, provider):
    from joserfc.jwk import RSAKey

    provider.signing_key = RSAKey.generate_key(2048, parameters={"kid": "test-key"}, private=True)
    client = sso_app.test_client()
    r = _through_provider(client)
    assert r.status_code == 502 and "fehlgeschlagen" in r.text
    assert client.get("/").status_code == 302


def test_replayed_callback_is_refused(sso_app):
    client = sso_app.test_client()
    first = client.get("/login/sso")
    at_provider = requests.get(first.headers["Location"], allow_redirects=False, timeout=10)
    back = urlsplit(at_provider.headers["Location"])
    other = sso_app.test_client()  # a browser that never started this login (no state)
    r = other.get(back.path + "?" + back.query)
    assert r.status_code == 400 and "fehlgeschlagen" in r.text
    assert other.get("/").status_code == 302


def test_missing_username_claim(settings, provider):
    app = _app(settings, provider.url, oidc_username_claim="upn")
    try:
        r = _through_provider(app.test_client())
        assert r.status_code == 200 and "keinen Benutzernamen" in r.text
    finally:
        app.extensions["kim"]["engine"].dispose()


def test_provider_down_shows_a_message_not_a_500(settings):
    app = _app(settings, f"http://127.0.0.1:{free_port()}")  # nothing listens there
    try:
        r = app.test_client().get("/login/sso")
        assert r.status_code == 502
        assert "nicht erreichbar" in r.text and "<h1>Anmelden</h1>" in r.text
    finally:
        app.extensions["kim"]["engine"].dispose()
