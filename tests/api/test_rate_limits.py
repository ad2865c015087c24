"""Login rate limits: a burst from one address gets 429 with Retry-After; the account stays usable."""

from __future__ import annotations

import dataclasses

import pytest

from tests.conftest import _settings
from tests.web.helpers import csrf_from

A, B = {"REMOTE_ADDR": "198.51.100.7"}, {"REMOTE_ADDR": "203.0.113.9"}


@pytest.fixture
def limited(db):
    """The app with the limits on (the other tests switch them off)."""
    from api.app import create_app

    settings = dataclasses.replace(
        _settings(db),
        ratelimit_enabled=True,
        login_rate_per_address="8 per minute",
        login_failures_per_user="3 per 15 minutes",
    )
    app = create_app(settings)
    yield app
    app.extensions["kim"]["engine"].dispose()


def _token(client, password, address, username="admin"):
    return client.post(
        "/api/v1/auth/token", json={"username": username, "password": password}, environ_base=address
    )


def test_a_burst_of_wrong_passwords_is_refused_and_the_account_stays_usable(limited, db):
    client = limited.test_client()
    answers = [_token(client, "falsch", A) for _ in range(6)]
    assert [r.status_code for r in answers] == [401, 401, 401, 429, 429, 429]
    refused = answers[-1]
    assert refused.mimetype == "application/problem+json"
    assert refused.json["type"] == "https://kim.example/problems/rate-limited"
    assert refused.json["status"] == 429 and "Sekunden" in refused.json["detail"]
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    # the right password from A is refused too: the address is over its limit for this name
    assert _token(client, "demo", A).status_code == 429
    # from another client the same account works: the burst neither locked it nor used up its limit
    assert _token(client, "demo", B).status_code == 200
    ((failures, locked),) = db.rows("SELECT failed_logins, locked_until FROM users WHERE username = 'admin'")
    assert locked is None and failures == 0


def test_every_attempt_counts_per_address(limited):
    client = limited.test_client()
    names = [f"niemand{i}" for i in range(9)]  # spraying many names: each fails only once
    answers = [_token(client, "falsch", A, name).status_code for name in names]
    assert answers == [401] * 8 + [429]
    assert _token(client, "demo", B, "cm-borchen").status_code == 200


def test_the_web_login_form_is_limited_too(limited):
    client = limited.test_client()
    csrf = csrf_from(client.get("/login", environ_base=A).text)
    answers = [
        client.post(
            "/login", data={"username": "admin", "password": "falsch", "csrf_token": csrf}, environ_base=A
        )
        for _ in range(4)
    ]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert "Zu viele Anmeldeversuche" in answers[-1].get_data(as_text=True)
    assert int(answers[-1].headers["Retry-After"]) > 0


def test_trickling_failures_from_one_address_never_lock_the_account(limited, db):
    """The lockout counts failures within its window; the limit keeps one address below it."""
    client = limited.test_client()
    for _round in range(3):
        for _ in range(3):
            assert _token(client, "falsch", A).status_code == 401
        limited.extensions["kim"]["limiter"].reset()  # as if the 15 minutes had passed for the limiter
        db.execute("UPDATE users SET failures_since = :t WHERE username = 'admin'", t="2000-01-01 00:00:00")
    ((locked,),) = db.rows("SELECT locked_until FROM users WHERE username = 'admin'")
    assert locked is None
    assert _token(client, "demo", B).status_code == 200


def test_the_lockout_stays_as_second_line_against_many_addresses(limited):
    client = limited.test_client()
    addresses = [{"REMOTE_ADDR": f"192.0.2.{i}"} for i in range(1, 4)]
    for address in addresses:
        for _ in range(2):
            _token(client, "falsch", address)
    r = _token(client, "demo", B)
    assert r.status_code == 401 and r.json["type"].endswith("/account-locked")
