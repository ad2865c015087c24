"""The case lifecycle end to end over the REST API."""

import pytest

from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case, ready, run_to_evaluation


def test_referral_route(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    assert case["status"] == "open" and case["case_number"].startswith("PB-")
    assert [t["name"] for t in case["open_tasks"]] == ["Erstgespräch"]
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, h, case["id"], "consent", d.CONSENT_YES)
    out = complete(client, h, case["id"], "assessment", d.ASSESS_REFERRAL)
    assert [t["bpmn_id"] for t in out["next_tasks"]] == ["referral"]
    assert out["task"]["bpmn_id"] == "assessment" and out["task"]["status"] == "completed"
    assert out["task"]["completed_at"] and out["next_tasks"][0]["status"] == "ready"
    complete(client, h, case["id"], "referral", d.REFERRAL)
    out = complete(client, h, case["id"], "closure", d.CLOSURE_REFERRED)
    assert out["case"]["status"] == "closed" and out["case"]["closure_reason"] == "referred"
    assert out["case"]["route"] == "referral" and out["next_tasks"] == []
    detail = client.get(f"/api/v1/cases/{case['id']}", headers=h).json
    assert detail["status"] == "closed" and detail["closed_at"] and detail["open_tasks"] == []
    user_steps = [e["bpmn_id"] for e in detail["history"] if e["data"] is not None]
    assert user_steps == ["first_contact", "consent", "assessment", "referral", "closure"]
    referral = next(e for e in detail["history"] if e["bpmn_id"] == "referral")
    assert referral["data"] == d.REFERRAL and referral["user_id"]


def test_accompaniment_with_three_evaluations_and_closure(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    run_to_evaluation(client, h, case["id"])
    ids = set()
    for go_on in (True, True, False):
        (task,) = ready(client, h, case["id"])
        assert task["bpmn_id"] == "evaluation" and task["id"] not in ids
        ids.add(task["id"])
        complete(client, h, case["id"], "evaluation", d.evaluation(go_on))
    complete(client, h, case["id"], "final_evaluation", d.FINAL)
    out = complete(client, h, case["id"], "closure", d.CLOSURE_GOALS_MET)
    assert out["case"] == {
        "id": case["id"],
        "case_number": case["case_number"],
        "status": "closed",
        "closure_reason": "goals_met",
        "route": "accompaniment",
    }
    hist = client.get(f"/api/v1/cases/{case['id']}/history?per_page=100", headers=h).json
    assert [e["bpmn_id"] for e in hist["items"] if e["data"] is not None].count("evaluation") == 3


def test_consent_declined_ends_without_cm_case(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    out = complete(client, h, case["id"], "consent", d.CONSENT_NO)
    assert out["case"]["status"] == "closed" and out["case"]["closure_reason"] == "no_consent"
    assert out["next_tasks"] == [] and ready(client, h, case["id"]) == []


def test_consent_withdrawn_mid_case(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    r = client.post(f"/api/v1/cases/{case['id']}/consent-withdrawal", headers=h)
    assert r.status_code == 409  # consent not given yet: nothing to withdraw
    run_to_evaluation(client, h, case["id"])
    complete(client, h, case["id"], "evaluation", d.evaluation(True))
    (open_task,) = ready(client, h, case["id"])
    r = client.post(f"/api/v1/cases/{case['id']}/consent-withdrawal", headers=h)
    assert r.status_code == 200, r.json
    assert r.json["status"] == "closed" and r.json["closure_reason"] == "consent_withdrawn"
    assert ready(client, h, case["id"]) == []
    r = client.post(
        f"/api/v1/tasks/{open_task['id']}/complete", json={"data": d.evaluation(False)}, headers=h
    )
    assert r.status_code == 409
    task = client.get(f"/api/v1/tasks/{open_task['id']}", headers=h).json
    assert task["status"] == "cancelled"
    assert client.post(f"/api/v1/cases/{case['id']}/consent-withdrawal", headers=h).status_code == 409


def test_invalid_form_data_gets_field_errors_and_saves_nothing(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    before = client.get(f"/api/v1/cases/{case['id']}", headers=h).json
    (task,) = ready(client, h, case["id"])
    bad = {"consent_given": "ja", "consent_date": "31.12.2026", "unknown": 1}
    r = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": bad}, headers=h)
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    errors = r.json["errors"]
    assert "consent_given" in errors and "consent_date" in errors and "_form" in errors
    assert any("Datum" in m for m in errors["consent_date"])
    assert errors["_form"] == ["Unbekanntes Feld: unknown."]  # German, no jsonschema text
    after = client.get(f"/api/v1/cases/{case['id']}", headers=h).json
    assert after["history_total"] == before["history_total"]
    assert ready(client, h, case["id"])[0]["id"] == task["id"]
    # Missing the consent-dependent fields is caught by the schema's if/then too.
    r = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"consent_given": True}}, headers=h)
    assert r.status_code == 422 and "data_processing" in r.json["errors"]


def test_completed_task_gets_409_and_unknown_ids_404(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    (task,) = case["open_tasks"]
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    r = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": d.FIRST_CONTACT}, headers=h)
    assert r.status_code == 409 and r.json["title"] == "Konflikt"
    assert client.get("/api/v1/cases/999999", headers=h).status_code == 404
    assert client.get("/api/v1/tasks/00000000-0000-0000-0000-000000000000", headers=h).status_code == 404
    assert client.post("/api/v1/tasks/nope/complete", json={"data": {}}, headers=h).status_code == 404
    assert client.post("/api/v1/cases/999999/consent-withdrawal", headers=h).status_code == 404


def test_task_detail_has_form_and_current_data(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    (task,) = ready(client, h, case["id"])
    detail = client.get(f"/api/v1/tasks/{task['id']}", headers=h).json
    assert detail["form"]["title"] == "Einwilligung"
    assert detail["form"]["properties"]["consent_given"]["type"] == "boolean"
    assert detail["data"]["concerns"] == d.FIRST_CONTACT["concerns"]


@pytest.mark.slow  # 2,000 completions over the API (about 50 s)
def test_two_thousand_evaluations_over_the_api(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    run_to_evaluation(client, h, case["id"])
    (task,) = ready(client, h, case["id"])
    for i in range(2000):
        r = client.post(
            f"/api/v1/tasks/{task['id']}/complete", json={"data": d.evaluation(True, 1 + i % 28)}, headers=h
        )
        assert r.status_code == 200, (i, r.json)
        (task,) = r.json["next_tasks"]
    for bpmn_id, data in [
        ("evaluation", d.evaluation(False)),
        ("final_evaluation", d.FINAL),
        ("closure", d.CLOSURE_GOALS_MET),
    ]:
        out = complete(client, h, case["id"], bpmn_id, data)
    assert out["case"]["status"] == "closed" and out["case"]["closure_reason"] == "goals_met"
    hist = client.get(f"/api/v1/cases/{case['id']}/history?per_page=1", headers=h).json
    assert hist["total"] > 2000
