"""Driving the lifecycle through the API in tests."""

from tests import lifecycle_data as d

CLIENT = {
    "given_name": "Amina",
    "family_name": "Haddad",
    "birth_date": "1990-04-02",
    "nationality": "syrisch",
    "languages": ["ar", "de"],
}


def open_case(client, headers, municipality="Borchen", **client_data):
    r = client.post(
        "/api/v1/cases",
        json={"municipality": municipality, "client": {**CLIENT, **client_data}},
        headers=headers,
    )
    assert r.status_code == 201, r.json
    return r.json


def ready(client, headers, case_id):
    r = client.get(f"/api/v1/tasks?case_id={case_id}", headers=headers)
    assert r.status_code == 200, r.json
    return r.json["items"]


def complete(client, headers, case_id, bpmn_id, data, expect=200):
    (task,) = [t for t in ready(client, headers, case_id) if t["bpmn_id"] == bpmn_id]
    r = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data}, headers=headers)
    assert r.status_code == expect, r.json
    return r.json


def run_to_evaluation(client, headers, case_id):
    for bpmn_id, data in [
        ("first_contact", d.FIRST_CONTACT),
        ("consent", d.CONSENT_YES),
        ("assessment", d.ASSESS_ACCOMPANY),
        ("goal_agreement", d.GOALS),
    ]:
        complete(client, headers, case_id, bpmn_id, data)


def give_consent(client, headers, case_id):
    """First contact and consent to data processing: what a follow-up needs before it starts."""
    complete(client, headers, case_id, "first_contact", d.not_after_today(d.FIRST_CONTACT))
    complete(client, headers, case_id, "consent", d.not_after_today(d.CONSENT_YES))
