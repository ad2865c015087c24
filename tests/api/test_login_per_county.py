"""Two counties in one installation: the same user name in each, the county chosen at login.

Paderborn's demo accounts and Kreis Höxter's (tests/county_seed.py) share the names ``coordinator``,
``cm-borchen`` and ``admin``. Each logs in to its own county (API ``tenant``, web form select),
sees only its own cases, and a wrong county answers exactly as a wrong password.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.access import admin
from engine.access.actor import Actor
from engine.access.models import User
from engine.errors import InvalidInput
from engine.org.models import Tenant
from engine.uow import begin
from tests.api.helpers import CLIENT, open_case
from tests.county_seed import HX_PASSWORD, add_hoexter
from tests.web.helpers import csrf_from

TOKEN = "/api/v1/auth/token"


@pytest.fixture
def two_counties(app, tmp_path):
    add_hoexter(app, tmp_path)
    return app


def _token(client, username, password, tenant=None):
    body = {"username": username, "password": password}
    if tenant is not None:
        body["tenant"] = tenant
    return client.post(TOKEN, json=body)


def _bearer(r) -> dict[str, str]:
    assert r.status_code == 200, r.json
    return {"Authorization": "Bearer " + r.json["access_token"]}


def test_with_one_county_the_token_needs_no_tenant(client):
    r = _token(client, "coordinator", "demo")
    assert r.status_code == 200 and r.json["user"]["tenant"] == "paderborn"


def test_with_two_counties_the_token_request_names_the_county(two_counties, client):
    r = _token(client, "coordinator", "demo")
    assert r.status_code == 422
    assert r.json["errors"] == {"tenant": ["Bitte den Kreis bzw. die kreisfreie Stadt wählen."]}
    pb = _token(client, "coordinator", "demo", "paderborn")
    hx = _token(client, "coordinator", HX_PASSWORD, "hoexter")
    assert pb.status_code == 200 and pb.json["user"]["tenant"] == "paderborn"
    assert hx.status_code == 200 and hx.json["user"]["tenant"] == "hoexter"
    assert pb.json["user"]["display_name"] == "Koordinierende Stelle KIM"
    assert hx.json["user"]["display_name"] == "Koordination Höxter"


def test_each_county_sees_only_its_own_cases_and_numbers_count_per_county(two_counties, client):
    pb_cm = _bearer(_token(client, "cm-borchen", "demo", "paderborn"))
    hx_cm = _bearer(_token(client, "cm-borchen", HX_PASSWORD, "hoexter"))
    pb_case = open_case(client, pb_cm, "Borchen")
    hx_case = open_case(client, hx_cm, "Brakel")
    assert hx_case["case_number"].startswith("HX-") and hx_case["case_number"].endswith("-000001")
    assert pb_case["case_number"].startswith("PB-")
    # Höxter's Borchen name cannot open a case in Paderborn's Borchen.
    r = client.post("/api/v1/cases", json={"municipality": "Borchen", "client": CLIENT}, headers=hx_cm)
    assert r.status_code == 422 and "municipality" in r.json["errors"]
    for mine, other, headers in ((pb_case, hx_case, pb_cm), (hx_case, pb_case, hx_cm)):
        listed = {c["id"] for c in client.get("/api/v1/cases", headers=headers).json["items"]}
        assert mine["id"] in listed and other["id"] not in listed
        assert client.get(f"/api/v1/cases/{other['id']}", headers=headers).status_code == 404
    for tenant, password, mine, other in (
        ("paderborn", "demo", pb_case, hx_case),
        ("hoexter", HX_PASSWORD, hx_case, pb_case),
    ):
        coordinator = _bearer(_token(client, "coordinator", password, tenant))
        listed = {c["id"] for c in client.get("/api/v1/cases", headers=coordinator).json["items"]}
        assert mine["id"] in listed and other["id"] not in listed


def test_a_wrong_county_answers_exactly_as_a_wrong_password(two_counties, client):
    wrong_password = _token(client, "coordinator", "falsch", "paderborn")
    wrong_county = _token(client, "coordinator", "demo", "hoexter")  # Paderborn's password
    unknown_county = _token(client, "coordinator", "demo", "atlantis")
    unknown_user = _token(client, "niemand", "demo", "paderborn")
    assert wrong_password.status_code == 401
    for r in (wrong_county, unknown_county, unknown_user):
        assert (r.status_code, r.json, r.headers.get("WWW-Authenticate")) == (
            wrong_password.status_code,
            wrong_password.json,
            wrong_password.headers.get("WWW-Authenticate"),
        )


def test_the_lockout_counts_per_county_and_user(two_counties, client):
    for _ in range(5):
        assert _token(client, "coordinator", "falsch", "hoexter").status_code == 401
    locked = _token(client, "coordinator", HX_PASSWORD, "hoexter")
    assert locked.status_code == 401 and locked.json["type"].endswith("account-locked")
    assert _token(client, "coordinator", "demo", "paderborn").status_code == 200


def test_a_second_county_seed_moves_none_of_the_first_countys_accounts(two_counties):
    with two_counties.extensions["kim"]["sessions"]() as s:
        rows = s.execute(
            select(Tenant.key, User.display_name)
            .join(Tenant, Tenant.id == User.tenant_id)
            .where(User.username == "coordinator")
            .order_by(Tenant.key)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("hoexter", "Koordination Höxter"),
        ("paderborn", "Koordinierende Stelle KIM"),
    ]


def test_a_user_name_is_taken_only_within_its_own_county(two_counties):
    with two_counties.extensions["kim"]["sessions"]() as s:
        begin(s, write=True)
        pb_admin = s.scalars(
            select(User)
            .join(Tenant, Tenant.id == User.tenant_id)
            .where(User.username == "admin", Tenant.key == "paderborn")
        ).one()
        actor = Actor(pb_admin.id, "admin", "admin", pb_admin.tenant_id, None, None)
        data = admin.AccountInput(role="coordinator", display_name="Neue Koordination")
        with pytest.raises(InvalidInput) as taken:
            admin.create_user(
                s, user=actor, username="coordinator", password="Ein-gutes-Passwort-1", data=data
            )
        assert taken.value.errors["username"] == ["Diesen Benutzernamen gibt es schon."]
        # A name only Höxter has is free in Paderborn.
        s.add(
            User(
                username="cm-brakel",
                display_name="x",
                password_hash="x",
                role="case_manager",
                tenant_id=s.scalar(select(Tenant.id).where(Tenant.key == "hoexter")),
                created_at=pb_admin.created_at,
            )
        )
        s.flush()
        created = admin.create_user(
            s, user=actor, username="cm-brakel", password="Ein-gutes-Passwort-1", data=data
        )
        assert created.tenant_id == pb_admin.tenant_id
        s.rollback()


def test_the_login_form_offers_the_counties_only_when_there_are_several(app, client, tmp_path):
    assert 'name="tenant"' not in client.get("/login").text
    add_hoexter(app, tmp_path)
    page = client.get("/login").text
    assert '<label for="tenant">Kreis / kreisfreie Stadt</label>' in page
    assert page.index(">Kreis Höxter<") < page.index(">Kreis Paderborn<")  # by name
    form = {"username": "cm-borchen", "password": HX_PASSWORD, "csrf_token": csrf_from(page)}
    r = client.post("/login", data=form)  # no county chosen
    assert r.status_code == 200 and "Bitte den Kreis bzw. die kreisfreie Stadt wählen." in r.text
    r = client.post("/login", data={**form, "tenant": "paderborn"})  # Höxter's password
    assert r.status_code == 200 and "Benutzername oder Passwort ist falsch." in r.text
    assert '<option value="paderborn" selected>' in r.text
    r = client.post("/login", data={**form, "tenant": "hoexter"})
    assert r.status_code == 303
    home = client.get("/").text
    assert "Case-Managerin Brakel" in home
