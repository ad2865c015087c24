"""Goals with ids over the REST API: the goal agreement creates them, evaluations pick them, goals are
added and dropped later; pseudonymised roles see life area and status only."""

from __future__ import annotations

from engine.households.service import members_of
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case, ready

API = "/api/v1"
THREE = {
    "agreement_date": "2026-11-10",
    "review_interval_weeks": 8,
    "goals": [
        {"goal": "Eigene Wohnung für die Familie", "life_area": "housing", "target_date": "2027-06-30"},
        {"goal": "Wechsel auf die Realschule", "life_area": "education", "target_date": "2027-08-01"},
        {"goal": "Kita-Platz für die Jüngste", "life_area": "childcare", "target_date": "2027-03-01"},
    ],
}


def accompanied(client, h) -> dict:
    """A case on the accompaniment path with the three goals agreed."""
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, h, case["id"], "consent", d.CONSENT_YES)
    complete(client, h, case["id"], "assessment", d.ASSESS_ACCOMPANY)
    complete(client, h, case["id"], "goal_agreement", THREE)
    return case


def goals(client, h, case_id) -> list[dict]:
    r = client.get(f"{API}/cases/{case_id}/goals", headers=h)
    assert r.status_code == 200, r.json
    return r.json["items"]


def test_the_agreement_creates_three_goals_and_two_evaluations_set_their_states(client, login):
    h = login("cm-borchen")
    case = accompanied(client, h)
    items = goals(client, h, case["id"])
    assert [g["text"] for g in items] == [g["goal"] for g in THREE["goals"]]
    assert [g["life_area"] for g in items] == ["housing", "education", "childcare"]
    assert len({g["id"] for g in items}) == 3 and all(g["status"] == "open" for g in items)
    assert items[0]["target_date"] == "2027-06-30" and items[0]["agreed_on"] == "2026-11-10"
    flat, school, kita = (g["id"] for g in items)

    first = d.evaluation(True, 15, goal_ids=[flat, school])
    complete(client, h, case["id"], "evaluation", first)
    after_one = {g["id"]: g for g in goals(client, h, case["id"])}
    assert [after_one[i]["status"] for i in (flat, school, kita)] == ["in_progress", "in_progress", "open"]
    assert after_one[flat]["evaluated_on"] == "2026-11-15" and after_one[kita]["evaluated_on"] is None

    second = {
        "evaluation_date": "2026-11-20",
        "continue": False,
        "progress": [
            {"goal_id": flat, "status": "achieved"},
            {"goal_id": kita, "status": "partly_achieved", "note": "Zusage ab März"},
        ],
    }
    complete(client, h, case["id"], "evaluation", second)
    after_two = {g["id"]: g for g in goals(client, h, case["id"])}
    assert [after_two[i]["status"] for i in (flat, school, kita)] == [
        "achieved",
        "in_progress",
        "partly_achieved",
    ]
    assert after_two[flat]["status_label"] == "erreicht" and after_two[school]["evaluated_on"] == "2026-11-15"


def test_a_goal_that_does_not_exist_is_refused_naming_the_field_and_nothing_is_saved(client, login):
    h = login("cm-borchen")
    case = accompanied(client, h)
    mine = [g["id"] for g in goals(client, h, case["id"])]
    other = accompanied(client, h)
    foreign = goals(client, h, other["id"])[0]["id"]
    (task,) = ready(client, h, case["id"])
    for bad, field, message in [
        (foreign, "progress.1.goal_id", "Dieses Ziel gibt es in diesem Fall nicht."),
        (999_999, "progress.1.goal_id", "Dieses Ziel gibt es in diesem Fall nicht."),
        (mine[0], "progress.1.goal_id", "Jedes Ziel nur einmal bewerten."),
    ]:
        data = {
            **d.evaluation(True, goal_ids=[mine[0]]),
            "progress": [{"goal_id": mine[0], "status": "achieved"}],
        }
        data["progress"].append({"goal_id": bad, "status": "achieved"})
        r = client.post(f"{API}/tasks/{task['id']}/complete", json={"data": data}, headers=h)
        assert r.status_code == 422, r.json
        assert r.json["errors"] == {field: [message]}
    no_pick = {**d.evaluation(True), "progress": [{"goal": "Wohnung", "status": "achieved"}]}
    r = client.post(f"{API}/tasks/{task['id']}/complete", json={"data": no_pick}, headers=h)
    assert r.status_code == 422 and r.json["errors"] == {
        "progress.0.goal_id": ["Bitte ein Ziel aus der Liste wählen."]
    }
    # nothing saved: the task is still open, every goal still unevaluated
    assert [t["id"] for t in ready(client, h, case["id"])] == [task["id"]]
    assert all(g["status"] == "open" and g["evaluated_on"] is None for g in goals(client, h, case["id"]))
    history = client.get(f"{API}/cases/{case['id']}/history", headers=h).json["items"]
    assert not any(e["bpmn_id"] == "evaluation" for e in history)


def test_a_dropped_goal_cannot_be_picked(client, login):
    h = login("cm-borchen")
    case = accompanied(client, h)
    flat = goals(client, h, case["id"])[0]["id"]
    r = client.post(f"{API}/cases/{case['id']}/goals/{flat}/drop", json={"reason": "Verzogen"}, headers=h)
    assert r.status_code == 200 and r.json["status"] == "dropped"
    r = complete(client, h, case["id"], "evaluation", d.evaluation(True, goal_ids=[flat]), expect=422)
    assert r["errors"] == {"progress.0.goal_id": ["Dieses Ziel wurde aufgegeben; bitte ein anderes wählen."]}


def test_goals_are_added_and_dropped_with_a_reason(client, login):
    h = login("cm-borchen")
    case = accompanied(client, h)
    me = client.get(f"{API}/cases/{case['id']}", headers=h).json
    r = client.post(
        f"{API}/cases/{case['id']}/goals",
        json={"text": "Deutschkurs B1 abschließen", "life_area": "language", "target_date": "2027-05-01"},
        headers=h,
    )
    assert r.status_code == 201, r.json
    added = r.json
    assert (
        added["text"] == "Deutschkurs B1 abschließen"
        and added["source"] == "added"
        and added["status"] == "open"
    )
    assert [g["id"] for g in goals(client, h, case["id"])][-1] == added["id"]
    assert me["id"] == case["id"]

    for body, field in [
        ({"text": "Ziel", "life_area": "moon"}, "life_area"),
        ({"text": "   ", "life_area": "language"}, "text"),
        ({"text": "Ziel", "life_area": "language", "member_ids": [999_999]}, "member_ids"),
        ({"life_area": "language"}, "text"),
    ]:
        r = client.post(f"{API}/cases/{case['id']}/goals", json=body, headers=h)
        assert r.status_code == 422 and field in r.json["errors"], (body, r.json)
    assert len(goals(client, h, case["id"])) == 4  # nothing half-saved

    drop = f"{API}/cases/{case['id']}/goals/{added['id']}/drop"
    r = client.post(drop, json={}, headers=h)
    assert r.status_code == 422 and "reason" in r.json["errors"]
    r = client.post(drop, json={"reason": "  "}, headers=h)
    assert r.status_code == 422 and r.json["errors"] == {"reason": ["Bitte den Grund angeben."]}
    r = client.post(drop, json={"reason": "Kurs fällt aus"}, headers=h)
    assert r.status_code == 200 and r.json["dropped"] and r.json["dropped_reason"] == "Kurs fällt aus"
    r = client.post(drop, json={"reason": "noch einmal"}, headers=h)
    assert r.status_code == 409 and r.json["type"].endswith("/goal-dropped")
    assert r.json["detail"] == "Dieses Ziel ist bereits aufgegeben."
    r = client.post(f"{API}/cases/{case['id']}/goals/999999/drop", json={"reason": "x"}, headers=h)
    assert r.status_code == 404
    assert goals(client, h, case["id"])[-1]["dropped_reason"] == "Kurs fällt aus"


def test_goals_name_household_members(app, client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    with app.extensions["kim"]["sessions"]() as s:
        (member,) = members_of(s, case["id"])
        person = member.id
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, h, case["id"], "consent", d.CONSENT_YES)
    complete(client, h, case["id"], "assessment", d.ASSESS_ACCOMPANY)
    bad = {**THREE, "goals": [{**THREE["goals"][0], "member_ids": [person, 999_999]}]}
    r = complete(client, h, case["id"], "goal_agreement", bad, expect=422)
    assert list(r["errors"]) == ["goals.0.member_ids"]
    assert goals(client, h, case["id"]) == []  # nothing saved
    good = {**THREE, "goals": [{**THREE["goals"][0], "member_ids": [person]}, THREE["goals"][1]]}
    complete(client, h, case["id"], "goal_agreement", good)
    first, second = goals(client, h, case["id"])
    assert first["member_ids"] == [person] and first["members"] == ["Amina Haddad"]
    assert second["member_ids"] == [] and second["members"] == []


def test_coordinators_see_life_area_and_status_but_no_goal_text(client, login):
    h = login("cm-borchen")
    case = accompanied(client, h)
    coordinator = login("coordinator")
    seen = goals(client, coordinator, case["id"])
    assert [g["life_area"] for g in seen] == ["housing", "education", "childcare"]
    assert all(g["status"] == "open" and g["status_label"] for g in seen)
    assert all(g["text"] is None and g["target_date"] is None and g["members"] is None for g in seen)
    r = client.get(f"{API}/cases/{case['id']}/goals", headers=coordinator)
    assert not any(g["goal"] in r.get_data(as_text=True) for g in THREE["goals"])
    r = client.post(
        f"{API}/cases/{case['id']}/goals", json={"text": "x", "life_area": "language"}, headers=coordinator
    )
    assert r.status_code == 403
    other = login("cm-delbrueck")
    assert client.get(f"{API}/cases/{case['id']}/goals", headers=other).status_code == 404
