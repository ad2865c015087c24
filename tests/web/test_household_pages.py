"""The case page's Haushalt section and the duplicate warning before a case or a member is saved."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from engine.cases.models import Case
from engine.clock import today_berlin
from engine.households.models import Member
from tests.api.helpers import open_case

from .helpers import web_login

PERSON = {
    "given_name": "Mohammed",
    "family_name": "Al-Hassan",
    "birth_date": "1988-02-03",
    "municipality": "borchen",
}


def _count(app, model, *cond) -> int:
    with app.extensions["kim"]["sessions"]() as s:
        return s.scalar(select(func.count()).select_from(model).where(*cond)) or 0


def test_the_household_section_adds_changes_and_lets_a_member_leave(app, client, login):
    case = open_case(client, login("cm-borchen"))
    csrf = web_login(client, "cm-borchen")
    page = client.get(f"/cases/{case['id']}")
    assert page.status_code == 200 and 'id="h-household"' in page.text and "Person des Falls" in page.text
    soon = (today_berlin() + timedelta(days=20)).isoformat()
    child = {
        "csrf_token": csrf,
        "given_name": "Lina",
        "family_name": "Haddad",
        "birth_date": "2015-03-01",
        "relationship": "child",
        "languages": "ar, de",
        "residence_status": "duldung",
        "residence_valid_until": soon,
    }
    # the same family name and a similar person in this case: no warning for the case itself
    r = client.post(f"/cases/{case['id']}/members", data=child)
    assert r.status_code == 303, r.text
    page = client.get(f"/cases/{case['id']}").text
    assert (
        "Lina Haddad" in page
        and "Duldung" in page
        and "läuft bald ab" in page
        and 'class="member expiring"' in page
    )
    (mid,) = [m for (m,) in _rows(app, case["id"]) if m != _rows(app, case["id"])[0][0]]
    # a bad date is shown next to its field, nothing is saved
    future = (today_berlin() + timedelta(days=3)).isoformat()
    r = client.post(f"/cases/{case['id']}/members/{mid}", data={**child, "birth_date": future})
    assert r.status_code == 422 and "Zukunft" in r.text
    r = client.post(f"/cases/{case['id']}/members/{mid}", data={**child, "given_name": "Leyla"})
    assert r.status_code == 303
    # leaving asks first, then saves
    r = client.post(f"/cases/{case['id']}/members/{mid}/leave", data={"csrf_token": csrf, "reason": "Umzug"})
    assert r.status_code == 200 and "Wirklich aus dem Haushalt ausscheiden lassen?" in r.text
    assert _count(app, Member, Member.id == mid, Member.left_at.is_not(None)) == 0
    r = client.post(
        f"/cases/{case['id']}/members/{mid}/leave",
        data={"csrf_token": csrf, "reason": "Umzug", "_confirm": "1"},
    )
    assert r.status_code == 303
    assert _count(app, Member, Member.id == mid, Member.left_at.is_not(None)) == 1
    page = client.get(f"/cases/{case['id']}").text
    assert "ausgeschieden am" in page and "Umzug" in page


def _rows(app, case_id):
    with app.extensions["kim"]["sessions"]() as s:
        return s.execute(select(Member.id).where(Member.case_id == case_id).order_by(Member.position)).all()


def test_a_coordinator_sees_the_household_without_names(app, client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    client.post(
        f"/api/v1/cases/{case['id']}/members",
        json={
            "given_name": "Lina",
            "family_name": "Haddad",
            "relationship": "child",
            "birth_date": "2015-03-01",
        },
        headers=h,
    )
    web_login(client, "coordinator")
    page = client.get(f"/cases/{case['id']}").text
    assert 'id="h-household"' in page and "Kind" in page
    for secret in ("Lina", "Haddad", "Amina", "2015", "01.03.2015"):
        assert secret not in page, secret
    assert "Person zum Haushalt hinzufügen" not in page


def test_the_new_case_page_warns_of_a_likely_duplicate_before_saving(app, client, login):
    existing = open_case(
        client, login("cm-borchen"), **{k: v for k, v in PERSON.items() if k != "municipality"}
    )
    csrf = web_login(client, "cm-borchen")
    before = _count(app, Case)
    variant = {**PERSON, "given_name": "Muhammad", "family_name": "Alhassan", "csrf_token": csrf}
    r = client.post("/cases/new", data=variant)
    assert r.status_code == 200 and "Möglicherweise schon bekannt" in r.text
    assert f'href="/cases/{existing["id"]}"' in r.text and existing["case_number"] in r.text
    assert "Trotzdem anlegen" in r.text and _count(app, Case) == before
    # swapped given and family name are found too
    r = client.post("/cases/new", data={**variant, "given_name": "Al Hassan", "family_name": "Mohamed"})
    assert "Möglicherweise schon bekannt" in r.text and "vertauscht" in r.text
    r = client.post("/cases/new", data={**variant, "_dup_checked": "1"})
    assert r.status_code == 303 and _count(app, Case) == before + 1


def test_elsewhere_in_the_county_only_the_hint_is_shown(app, client, login):
    existing = open_case(
        client, login("cm-borchen"), given_name="Mohammed", family_name="Al-Hassan", birth_date="1988-02-03"
    )
    csrf = web_login(client, "cm-delbrueck")
    r = client.post(
        "/cases/new",
        data={**PERSON, "municipality": "delbrueck", "given_name": "Mohamed", "csrf_token": csrf},
    )
    assert r.status_code == 200
    assert "bitte bei der Koordinierungsstelle nachfragen" in r.text
    for secret in (existing["case_number"], existing["pseudonym"], "Borchen", f'/cases/{existing["id"]}"'):
        assert secret not in r.text, secret
