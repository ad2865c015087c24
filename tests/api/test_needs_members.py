"""The assessment's needs name the household members they concern; a member of another household is a
German 422 on the field, and nothing is saved."""

from __future__ import annotations

from tests import lifecycle_data as d
from tests.api.helpers import complete, give_consent, open_case, ready

API = "/api/v1"


def _child(client, h, case_id, given="Samir"):
    body = {"given_name": given, "family_name": "Haddad", "birth_date": "2012-09-14", "relationship": "child"}
    r = client.post(f"{API}/cases/{case_id}/members", json=body, headers=h)
    assert r.status_code == 201, r.json
    return r.json["id"]


def test_needs_name_the_members_they_concern(client, login):
    h = login("cm-borchen")
    case, other = open_case(client, h), open_case(client, h, given_name="Mira", family_name="Berg")
    give_consent(client, h, case["id"])
    samir = _child(client, h, case["id"])
    stranger = _child(client, h, other["id"], given="Ali")
    need = {"life_area": "education", "description": "Schulwechsel"}

    bad = {**d.ASSESS_ACCOMPANY, "needs": [{**need, "member_ids": [stranger]}]}
    (task,) = [t for t in ready(client, h, case["id"]) if t["bpmn_id"] == "assessment"]
    r = client.post(f"{API}/tasks/{task['id']}/complete", json={"data": bad}, headers=h)
    assert r.status_code == 422 and list(r.json["errors"]) == ["needs.0.member_ids"], r.json
    assert [t["bpmn_id"] for t in ready(client, h, case["id"])] == ["assessment"]  # nothing moved

    # The task form offers the case's own members, by name, for each need.
    form = client.get(f"{API}/tasks/{task['id']}", headers=h).json
    item = form["form"]["properties"]["needs"]["items"]["properties"]["member_ids"]["items"]
    assert samir in item["enum"] and stranger not in item["enum"] and "Samir Haddad" in item["x-enum-titles"]

    good = {**d.ASSESS_ACCOMPANY, "needs": [{**need, "member_ids": [samir]}]}
    complete(client, h, case["id"], "assessment", good)
    history = client.get(f"{API}/cases/{case['id']}/history", headers=h).json["items"]
    (done,) = [e for e in history if e["bpmn_id"] == "assessment"]
    assert done["data"]["needs"][0]["member_ids"] == [samir]
