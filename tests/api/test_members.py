"""Households over the REST API: members added, changed (with history) and leaving; scope and
pseudonymisation; releases per member; the duplicate check."""

from __future__ import annotations

from datetime import timedelta

from engine.clock import today_berlin
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case

API = "/api/v1"
CHILD = {
    "given_name": "Lina",
    "family_name": "Haddad",
    "birth_date": "2015-03-01",
    "relationship": "child",
    "languages": ["ar"],
    "residence_status": "duldung",
}


def _members(client, h, case_id):
    r = client.get(f"{API}/cases/{case_id}/members", headers=h)
    assert r.status_code == 200, r.json
    return r.json["items"]


def _add(client, h, case_id, **data):
    return client.post(f"{API}/cases/{case_id}/members", json={**CHILD, **data}, headers=h)


def test_add_change_and_leave_with_history(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    (first,) = _members(client, h, case["id"])
    assert (first["position"], first["relationship"], first["given_name"]) == (1, "self", "Amina")
    soon = (today_berlin() + timedelta(days=30)).isoformat()
    r = _add(client, h, case["id"], residence_valid_until=soon)
    assert r.status_code == 201, r.json
    child = r.json
    assert child["position"] == 2 and child["minor"] is True and child["residence_expires_soon"] is True
    assert child["residence_status_label"] == "Duldung"

    r = client.patch(
        f"{API}/cases/{case['id']}/members/{child['id']}",
        json={"given_name": "  Lina   Sara ", "residence_status": "ae_25a"},
        headers=h,
    )
    assert r.status_code == 200, r.json
    assert r.json["given_name"] == "Lina Sara" and r.json["residence_status"] == "ae_25a"

    r = client.post(
        f"{API}/cases/{case['id']}/members/{child['id']}/leave",
        json={"reason": "Zum Vater gezogen"},
        headers=h,
    )
    assert r.status_code == 200, r.json
    assert r.json["current"] is False and r.json["left_reason"] == "Zum Vater gezogen"
    again = client.post(
        f"{API}/cases/{case['id']}/members/{child['id']}/leave", json={"reason": "nochmal"}, headers=h
    )
    assert again.status_code == 409
    assert again.json["type"].endswith("/member-left") and "Lina Sara Haddad" in again.json["detail"]

    hist = client.get(f"{API}/cases/{case['id']}/members/{child['id']}/history", headers=h)
    assert hist.status_code == 200
    changes = [(c["field"], c["old"], c["new"]) for c in hist.json["items"]]
    assert changes[:2] == [
        ("given_name", "Lina", "Lina Sara"),
        ("residence_status", "Duldung", "Aufenthaltserlaubnis § 25a AufenthG"),
    ]
    assert changes[2][0] == "left" and hist.json["items"][2]["reason"] == "Zum Vater gezogen"
    assert all(c["who"] != "System" for c in hist.json["items"])
    # those who left come last
    assert [m["position"] for m in _members(client, h, case["id"])] == [1, 2]


def test_changing_the_case_person_changes_the_case_record(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    (first,) = _members(client, h, case["id"])
    r = client.patch(
        f"{API}/cases/{case['id']}/members/{first['id']}", json={"family_name": "Hadad"}, headers=h
    )
    assert r.status_code == 200, r.json
    assert client.get(f"{API}/cases/{case['id']}", headers=h).json["client"]["family_name"] == "Hadad"
    r = client.post(f"{API}/cases/{case['id']}/members/{first['id']}/leave", json={"reason": "x"}, headers=h)
    assert r.status_code == 409 and r.json["type"].endswith("/case-person-stays")
    assert "Amina Hadad" in r.json["detail"]


def test_bad_input_is_a_german_422_naming_the_field_and_nothing_is_saved(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    future = (today_berlin() + timedelta(days=3)).isoformat()
    for data, field in [
        ({"birth_date": future}, "birth_date"),
        ({"given_name": "\u202eAnil"}, "given_name"),
        ({"family_name": "123"}, "family_name"),
        ({"relationship": "self"}, "relationship"),
        ({"residence_status": "visum"}, "residence_status"),
        ({"residence_valid_until": "1990-01-01"}, "residence_valid_until"),
    ]:
        r = _add(client, h, case["id"], **data)
        assert r.status_code == 422, (data, r.json)
        assert field in r.json["errors"], (data, r.json)
    assert len(_members(client, h, case["id"])) == 1
    (first,) = _members(client, h, case["id"])
    r = client.patch(
        f"{API}/cases/{case['id']}/members/{first['id']}",
        json={"given_name": "Amira", "birth_date": future},
        headers=h,
    )
    assert r.status_code == 422 and "birth_date" in r.json["errors"]
    assert "Zukunft" in r.json["errors"]["birth_date"][0]
    assert _members(client, h, case["id"])[0]["given_name"] == "Amina"
    hist = client.get(f"{API}/cases/{case['id']}/members/{first['id']}/history", headers=h).json
    assert hist["items"] == []
    r = client.post(f"{API}/cases/{case['id']}/members/{first['id']}/leave", json={"reason": ""}, headers=h)
    assert r.status_code == 422


def test_scope_and_pseudonymisation(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    child = _add(client, h, case["id"]).json
    other = login("cm-delbrueck")
    for method, url, body in [
        ("GET", f"{API}/cases/{case['id']}/members", None),
        ("POST", f"{API}/cases/{case['id']}/members", CHILD),
        ("PATCH", f"{API}/cases/{case['id']}/members/{child['id']}", {"given_name": "X"}),
        ("POST", f"{API}/cases/{case['id']}/members/{child['id']}/leave", {"reason": "x"}),
        ("GET", f"{API}/cases/{case['id']}/members/{child['id']}/history", None),
    ]:
        assert client.open(url, method=method, json=body, headers=other).status_code == 404, url
    # a member of another case is not found through this case
    second = open_case(client, h, given_name="Omar")
    r = client.get(f"{API}/cases/{second['id']}/members/{child['id']}/history", headers=h)
    assert r.status_code == 404
    client.patch(f"{API}/cases/{case['id']}/members/{child['id']}", json={"given_name": "Leyla"}, headers=h)
    coordinator = login("coordinator")
    r = client.get(f"{API}/cases/{case['id']}/members", headers=coordinator)
    assert r.status_code == 200 and r.json["personal"] is False
    body = r.get_data(as_text=True)
    for secret in ("Amina", "Haddad", "Lina", "Leyla", "2015-03-01", "1990-04-02", "Duldung", "duldung"):
        assert secret not in body, secret
    assert [m["relationship"] for m in r.json["items"]] == ["self", "child"]
    r = client.get(f"{API}/cases/{case['id']}/members/{child['id']}/history", headers=coordinator)
    assert r.status_code == 200 and "Leyla" not in r.get_data(as_text=True)
    assert [c["field"] for c in r.json["items"]] == ["given_name"]
    assert (
        client.post(f"{API}/cases/{case['id']}/members", json=CHILD, headers=coordinator).status_code == 403
    )


def test_releases_per_member_with_the_guardian_for_a_minor(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, h, case["id"], "consent", d.CONSENT_YES)
    first = _members(client, h, case["id"])[0]
    child = _add(client, h, case["id"]).json
    given = today_berlin().isoformat()
    r = client.post(
        f"{API}/cases/{case['id']}/consents",
        json={"agency": "youth_office", "given_on": given, "member_ids": [child["id"]]},
        headers=h,
    )
    assert r.status_code == 201, r.json
    assert r.json["member_ids"] == [child["id"]]
    assert r.json["guardians"] == {str(child["id"]): first["id"]}
    twice = client.post(
        f"{API}/cases/{case['id']}/consents",
        json={"agency": "youth_office", "given_on": given, "member_ids": [first["id"], child["id"]]},
        headers=h,
    )
    assert twice.status_code == 409 and "Lina Haddad" in twice.json["detail"]
    r = client.post(
        f"{API}/cases/{case['id']}/consents",
        json={"agency": "jmd", "given_on": given, "member_ids": [999999]},
        headers=h,
    )
    assert r.status_code == 422 and "member_ids" in r.json["errors"]
    # without member_ids: the case's person, as before
    r = client.post(
        f"{API}/cases/{case['id']}/consents", json={"agency": "jmd", "given_on": given}, headers=h
    )
    assert r.status_code == 201 and r.json["member_ids"] == [first["id"]] and r.json["guardians"] == {}
    items = client.get(f"{API}/cases/{case['id']}/consents", headers=h).json["items"]
    assert all(i["member_ids"] for i in items)


def test_duplicate_check_in_scope_and_elsewhere(client, login):
    h = login("cm-borchen")
    case = open_case(client, h, given_name="Mohammed", family_name="Al-Hassan", birth_date="1988-02-03")
    r = client.post(
        f"{API}/duplicates/check",
        json={"given_name": "Muhammad", "family_name": "Alhassan", "birth_date": "1988-02-03"},
        headers=h,
    )
    assert r.status_code == 200, r.json
    (match,) = r.json["matches"]
    assert match["case_id"] == case["id"] and match["pseudonym"] == case["pseudonym"]
    assert match["similarity"] >= 0.85 and r.json["elsewhere"] is False and r.json["message"] is None
    other = login("cm-delbrueck")
    r = client.post(
        f"{API}/duplicates/check",
        json={"given_name": "Alhassan", "family_name": "Mohamed", "birth_date": "1988-02-03"},
        headers=other,
    )
    assert r.status_code == 200
    assert r.json["matches"] == [] and r.json["elsewhere"] is True
    body = r.get_data(as_text=True)
    assert "Koordinierungsstelle" in r.json["message"]
    for secret in ("Borchen", case["case_number"], case["pseudonym"], "1988", "Al-Hassan", '"count"'):
        assert secret not in body, secret
    assert client.post(f"{API}/duplicates/check", json={}, headers=h).status_code == 422
    assert (
        client.post(
            f"{API}/duplicates/check",
            json={"given_name": "A", "family_name": "B"},
            headers=login("coordinator"),
        ).status_code
        == 403
    )
