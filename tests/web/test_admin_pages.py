"""The administration's pages with the Flask test client: accounts and organisation, admins only, German
errors."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from engine.access.models import ApiToken, User
from engine.audit.models import AuditEntry
from engine.clock import utcnow
from tests.web.helpers import csrf_from, submit_login, web_login

NEW = {
    "username": "cm-lichtenau",
    "display_name": "Case-Manager Lichtenau",
    "role": "case_manager",
    "unit": "m:lichtenau",
    "agency": "",
    "password": "sehr-geheim-2026",
}


def _sessions(app):
    return app.extensions["kim"]["sessions"]()


def _user(app, username):
    with _sessions(app) as s:
        row = s.scalars(select(User).where(User.username == username)).one_or_none()
        if row is not None:
            s.expunge(row)
        return row


def _count(app, model):
    with _sessions(app) as s:
        return s.scalar(select(func.count()).select_from(model))


def _audit(app, action):
    with _sessions(app) as s:
        return s.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def _bearer(app, username, password="demo"):
    r = app.test_client().post("/api/v1/auth/token", json={"username": username, "password": password})
    assert r.status_code == 200, r.json
    return {"Authorization": "Bearer " + r.json["access_token"]}


def _api_ok(app, headers) -> int:
    return app.test_client().get("/api/v1/tasks", headers=headers).status_code


def _create(client, csrf, **over):
    return client.post("/admin/users/new", data={"csrf_token": csrf, **NEW, **over})


def test_admin_lists_accounts_and_creates_one_that_can_log_in(app, client):
    csrf = web_login(client, "admin")
    home = client.get("/").text
    assert 'href="/admin/users"' in home and 'href="/admin/organisation"' in home
    listing = client.get("/admin/users")
    assert listing.status_code == 200
    for text in (
        "Benutzerkonten",
        "cm-borchen",
        "Case-Managerin Borchen",
        "Case-Management",
        "Borchen",
        "Team: UmA-Team",
        "Ausländerbehörde",
        "Koordinierende Stelle",
        "aktiv",
        'aria-current="page"',
    ):
        assert text in listing.text, text
    assert "case_manager" not in listing.text and "foreigners_authority" not in listing.text  # no raw keys

    r = _create(client, csrf)
    assert r.status_code == 303, r.text
    page = client.get(r.headers["Location"])
    assert "Das Konto cm-lichtenau wurde angelegt." in page.text
    created = _user(app, "cm-lichtenau")
    assert created.active and created.role == "case_manager" and created.password_hash.startswith("$argon2")
    assert created.municipality_id is not None and created.team_id is None
    assert [e.detail["username"] for e in _audit(app, "user.create")] == ["cm-lichtenau"]
    assert "sehr-geheim-2026" not in str([e.detail for e in _audit(app, "user.create")])

    client.post("/logout", data={"csrf_token": csrf})
    assert submit_login(client, "cm-lichtenau", "sehr-geheim-2026").status_code == 303
    assert "Meine Aufgaben" in client.get("/").text


def test_validation_errors_are_german_next_to_the_fields_and_nothing_is_saved(app, client):
    csrf = web_login(client, "admin")
    users_before, audit_before = _count(app, User), _count(app, AuditEntry)
    r = _create(client, csrf, username="Ab", display_name=" ", role="case_manager", unit="", password="kurz")
    assert r.status_code == 422
    assert "Bitte die markierten Angaben prüfen." in r.text
    assert 'id="e-username"' in r.text and "Kleinbuchstaben" in r.text
    assert 'id="e-display_name"' in r.text and "Bitte den Namen angeben." in r.text
    assert 'id="e-unit"' in r.text and "Gemeinde (mit Case-Management) oder ein Team" in r.text
    assert 'id="e-password"' in r.text and "mindestens 10 Zeichen" in r.text
    assert 'value="Ab"' in r.text and "kurz" not in r.text  # what was typed stays, the password does not
    assert r.text.count('aria-invalid="true"') == 4

    r = _create(client, csrf, username="cm-borchen")
    assert r.status_code == 422 and "Diesen Benutzernamen gibt es schon." in r.text
    r = _create(client, csrf, username="abh-2", role="authority", unit="m:borchen", agency="")
    assert r.status_code == 422
    assert "Behördenkonten brauchen eine Behörde." in r.text and "bitte leer lassen" in r.text
    r = _create(client, csrf, username="cm-wuennenberg", unit="m:bad-wuennenberg")  # no case management there
    assert r.status_code == 422 and 'id="e-unit"' in r.text
    r = _create(client, csrf, username="x-role", role="superuser")
    assert r.status_code == 422 and "Bitte eine Rolle auswählen." in r.text
    assert (_count(app, User), _count(app, AuditEntry)) == (users_before, audit_before)

    # An authority account with its agency is fine.
    assert (
        _create(client, csrf, username="abh-2", role="authority", unit="", agency="jobcenter").status_code
        == 303
    )
    assert _user(app, "abh-2").agency == "jobcenter"


def test_change_role_and_scope_ends_the_sessions_of_the_account(app, client):
    bearer = _bearer(app, "cm-delbrueck")
    assert _api_ok(app, bearer) == 200
    csrf = web_login(client, "admin")
    target = _user(app, "cm-delbrueck")
    r = client.post(
        f"/admin/users/{target.id}",
        data={
            "csrf_token": csrf,
            "display_name": "Team UmA, zweite Kraft",
            "role": "case_manager",
            "unit": "t:uma",
            "agency": "",
        },
    )
    assert r.status_code == 303
    changed = _user(app, "cm-delbrueck")
    assert changed.team_id is not None and changed.municipality_id is None
    assert changed.display_name == "Team UmA, zweite Kraft"
    assert _api_ok(app, bearer) == 401  # the old scope's token is gone

    r = client.post(
        f"/admin/users/{target.id}",
        data={"csrf_token": csrf, "display_name": "X", "role": "coordinator", "unit": "t:uma", "agency": ""},
    )
    assert r.status_code == 422 and "Nur Case-Manager:innen gehören zu einer Gemeinde" in r.text
    assert _user(app, "cm-delbrueck").role == "case_manager"
    me = _user(app, "admin")
    r = client.post(
        f"/admin/users/{me.id}",
        data={
            "csrf_token": csrf,
            "display_name": "Administration",
            "role": "coordinator",
            "unit": "",
            "agency": "",
        },
    )
    assert r.status_code == 422 and "eigene Administrationsrolle" in r.text
    assert _user(app, "admin").role == "admin"


def test_disabled_account_cannot_log_in_and_its_token_is_refused(app, client):
    bearer = _bearer(app, "cm-borchen")
    assert _api_ok(app, bearer) == 200
    other = app.test_client()
    web_login(other, "cm-borchen")  # a browser session of the account as well
    assert other.get("/").status_code == 200

    csrf = web_login(client, "admin")
    target = _user(app, "cm-borchen")
    r = client.post(f"/admin/users/{target.id}/disable", data={"csrf_token": csrf})
    assert r.status_code == 303
    page = client.get(r.headers["Location"]).text
    assert re.search(r"Das Konto wurde deaktiviert und 2 Anmeldung\(en\) widerrufen\.", page), page
    assert "Konto wieder aktivieren" in page and "deaktiviert" in client.get("/admin/users").text
    assert _user(app, "cm-borchen").active is False
    with _sessions(app) as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(ApiToken)
                .where(ApiToken.user_id == target.id, ApiToken.revoked_at.is_(None))
            )
            == 0
        )
    assert _api_ok(app, bearer) == 401
    assert other.get("/").status_code == 302  # the browser session is over: back to the login page
    refused = submit_login(app.test_client(), "cm-borchen")
    assert refused.status_code == 200 and "Benutzername oder Passwort ist falsch." in refused.text
    assert (
        app.test_client()
        .post("/api/v1/auth/token", json={"username": "cm-borchen", "password": "demo"})
        .status_code
        == 401
    )

    assert client.post(f"/admin/users/{target.id}/enable", data={"csrf_token": csrf}).status_code == 303
    assert submit_login(app.test_client(), "cm-borchen").status_code == 303
    assert [e.action for e in _audit(app, "user.disable") + _audit(app, "user.enable")] == [
        "user.disable",
        "user.enable",
    ]
    me = _user(app, "admin")
    r = client.post(f"/admin/users/{me.id}/disable", data={"csrf_token": csrf})
    assert r.status_code == 422 and "Das eigene Konto kann nicht deaktiviert werden." in r.text
    assert _user(app, "admin").active


@pytest.mark.slow  # password hashing and several log-ins (about 3 s)
def test_unlock_and_reset_password(app, client):
    for _ in range(5):
        submit_login(app.test_client(), "cm-delbrueck", "falsch")
    locked = _user(app, "cm-delbrueck")
    assert locked.locked_until is not None and locked.locked_until > utcnow()
    csrf = web_login(client, "admin")
    page = client.get(f"/admin/users/{locked.id}").text
    assert "gesperrt bis" in page and "Sperre aufheben" in page
    assert "gesperrt bis" in client.get("/admin/users").text
    assert client.post(f"/admin/users/{locked.id}/unlock", data={"csrf_token": csrf}).status_code == 303
    assert _user(app, "cm-delbrueck").locked_until is None
    assert submit_login(app.test_client(), "cm-delbrueck").status_code == 303

    bearer = _bearer(app, "cm-delbrueck")
    r = client.post(f"/admin/users/{locked.id}/password", data={"csrf_token": csrf, "password": "zu kurz"})
    assert r.status_code == 422 and "mindestens 10 Zeichen" in r.text and 'id="e-password"' in r.text
    assert _api_ok(app, bearer) == 200  # nothing changed
    r = client.post(
        f"/admin/users/{locked.id}/password", data={"csrf_token": csrf, "password": "neues-Passwort-1"}
    )
    assert r.status_code == 303
    assert "Das Passwort wurde neu gesetzt" in client.get(r.headers["Location"]).text
    assert _api_ok(app, bearer) == 401
    assert submit_login(app.test_client(), "cm-delbrueck").status_code == 200  # "demo" no longer works
    assert submit_login(app.test_client(), "cm-delbrueck", "neues-Passwort-1").status_code == 303
    assert len(_audit(app, "user.unlock")) == 1 and len(_audit(app, "user.password")) == 1


def test_organisation_page_shows_regions_municipalities_teams_and_counts(client):
    web_login(client, "admin")
    page = client.get("/admin/organisation")
    assert page.status_code == 200
    for text in (
        "Kreis Paderborn",
        "Region 1",
        "Delbrück",
        "Stadt Paderborn",
        "ohne Region",
        "Bad Wünnenberg",
        "UmA-Team",
        "aktive Konten",
        "Kreisweite Konten",
    ):
        assert text in page.text, text
    # Borchen has two active accounts (cm-borchen, cm-borchen-2), the UmA team one (cm-uma);
    # nine are county-wide (with the agencies' accounts abh, abh-stadt, ebh and jobcenter).
    assert re.search(r"<td>Borchen</td><td>ja</td><td>2</td>", page.text)
    assert re.search(r"<td>Bad Wünnenberg</td><td>nein</td><td>0</td>", page.text)
    assert re.search(r"<td>UmA-Team</td><td>[^<]*</td><td>1</td>", page.text)
    assert "Kreisweite Konten (ohne Gemeinde oder Team): <strong>9</strong>" in page.text


@pytest.mark.parametrize("username", ["cm-borchen", "coordinator", "dpo", "process-owner", "steering", "abh"])
def test_other_roles_get_the_german_403_page(app, client, username):
    csrf = web_login(client, username)
    assert "/admin/" not in client.get("/").text
    target = _user(app, "cm-delbrueck")
    for url in ("/admin/users", "/admin/users/new", f"/admin/users/{target.id}", "/admin/organisation"):
        r = client.get(url)
        assert r.status_code == 403 and "der Administration vorbehalten" in r.text, url
    r = client.post(f"/admin/users/{target.id}/disable", data={"csrf_token": csrf})
    assert r.status_code == 403
    r = _create(client, csrf)
    assert r.status_code == 403 and _user(app, "cm-lichtenau") is None
    assert _user(app, "cm-delbrueck").active


def test_admin_forms_need_the_csrf_token_and_unknown_accounts_are_404(app, client):
    web_login(client, "admin")
    target = _user(app, "cm-borchen")
    assert client.post(f"/admin/users/{target.id}/disable").status_code == 403
    assert _user(app, "cm-borchen").active
    r = client.get("/admin/users/999999")
    assert r.status_code == 404 and "Dieses Benutzerkonto gibt es nicht." in r.text
    assert csrf_from(client.get("/admin/users/new").text)
