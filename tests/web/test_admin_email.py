"""The administration enters a user's e-mail address (for reminders) on the account page; a wrong one
is a German error at the field and nothing is saved; an empty one means no mail."""

from __future__ import annotations

from sqlalchemy import select

from engine.access.models import User
from tests.web.helpers import web_login


def _user(app, username: str) -> User:
    with app.extensions["kim"]["sessions"]() as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        s.expunge(user)
    return user


def _form(csrf: str, email: str) -> dict:
    return {
        "csrf_token": csrf,
        "display_name": "Case-Managerin Borchen",
        "role": "case_manager",
        "unit": "m:borchen",
        "agency": "",
        "email": email,
    }


def test_the_admin_sets_and_clears_an_e_mail_address(app, client):
    csrf = web_login(client, "admin")
    target = _user(app, "cm-borchen")
    page = client.get(f"/admin/users/{target.id}").text
    assert 'type="email" id="f-email" name="email"' in page and "E-Mail-Adresse (für Erinnerungen" in page
    r = client.post(f"/admin/users/{target.id}", data=_form(csrf, " borchen@kreis-paderborn.de "))
    assert r.status_code == 303 and _user(app, "cm-borchen").email == "borchen@kreis-paderborn.de"
    assert 'value="borchen@kreis-paderborn.de"' in client.get(f"/admin/users/{target.id}").text
    for wrong in ("borchen", "a@b", "zwei@@kreis.de", "x@kreis.de, y@kreis.de", "x" * 250 + "@kreis.de"):
        r = client.post(f"/admin/users/{target.id}", data=_form(csrf, wrong))
        assert r.status_code == 422, wrong
        assert 'id="e-email"' in r.text and "gültige E-Mail-Adresse" in r.text
        assert _user(app, "cm-borchen").email == "borchen@kreis-paderborn.de"
    assert client.post(f"/admin/users/{target.id}", data=_form(csrf, "")).status_code == 303
    assert _user(app, "cm-borchen").email is None


def test_a_new_account_gets_its_address(app, client):
    csrf = web_login(client, "admin")
    r = client.post(
        "/admin/users/new",
        data={
            **_form(csrf, "neu@kreis-paderborn.de"),
            "username": "cm-neu",
            "password": "ein-langes-passwort",
        },
    )
    assert r.status_code == 303, r.text
    assert _user(app, "cm-neu").email == "neu@kreis-paderborn.de"
