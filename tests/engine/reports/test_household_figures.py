"""Persons supported are household members, each counted once; a family is one CM case."""

from __future__ import annotations

from engine.clock import today_berlin
from engine.reports.events import school_year_of
from engine.reports.figures import raw_counts
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case

API = "/api/v1"


def _add(client, h, case_id, given, relationship, born):
    r = client.post(
        f"{API}/cases/{case_id}/members",
        json={"given_name": given, "family_name": "Haddad", "relationship": relationship, "birth_date": born},
        headers=h,
    )
    assert r.status_code == 201, r.json
    return r.json["id"]


def _counts(db, app) -> dict[str, int]:
    with app.extensions["kim"]["sessions"]() as s:
        rows = raw_counts(s, 1, school_year_of(today_berlin()))
    out: dict[str, int] = {}
    for kind, _code, _place, _team, n in rows:
        out[kind] = out.get(kind, 0) + n
    return out


def test_a_family_of_four_counts_four_persons_and_one_cm_case(app, client, login, db):
    h = login("cm-borchen")
    case = open_case(client, h)["id"]
    _add(client, h, case, "Karim", "partner", "1986-01-05")
    _add(client, h, case, "Lina", "child", "2014-03-01")
    today = today_berlin().isoformat()
    complete(client, h, case, "first_contact", {**d.FIRST_CONTACT, "contact_date": today})
    complete(client, h, case, "consent", {**d.CONSENT_YES, "consent_date": today})
    complete(client, h, case, "assessment", d.ASSESS_ACCOMPANY)
    complete(client, h, case, "goal_agreement", {**d.GOALS, "agreement_date": today})
    late = _add(client, h, case, "Yara", "child", "2020-06-01")  # joins after the first contact
    counts = _counts(db, app)
    assert (counts["persons_supported"], counts["cm_case"]) == (4, 1)
    members = db.rows(
        "SELECT member_id FROM programme_events WHERE case_id = :c AND kind = 'persons_supported'", c=case
    )
    assert len({m for (m,) in members}) == 4 and (late,) in members
    # a member who leaves and whatever else happens in the case does not count them again
    r = client.post(f"{API}/cases/{case}/members/{late}/leave", json={"reason": "Umzug"}, headers=h)
    assert r.status_code == 200
    assert _counts(db, app)["persons_supported"] == 4


def test_before_the_first_contact_nobody_counts(app, client, login, db):
    h = login("cm-borchen")
    case = open_case(client, h)["id"]
    _add(client, h, case, "Karim", "partner", "1986-01-05")
    assert _counts(db, app).get("persons_supported", 0) == 0
