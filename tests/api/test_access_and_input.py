"""Scopes, authentication, and bad input that must never cause a 500."""

import pytest

from tests import lifecycle_data as d
from tests.api.helpers import CLIENT, complete, open_case


def test_case_manager_of_another_municipality_cannot_see_the_case(client, login):
    borchen, delbrueck = login("cm-borchen"), login("cm-delbrueck")
    case = open_case(client, borchen)
    task_id = case["open_tasks"][0]["id"]
    assert client.get(f"/api/v1/cases/{case['id']}", headers=delbrueck).status_code == 404
    assert client.get(f"/api/v1/tasks/{task_id}", headers=delbrueck).status_code == 404
    r = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": d.FIRST_CONTACT}, headers=delbrueck)
    assert r.status_code == 404
    assert client.post(f"/api/v1/cases/{case['id']}/consent-withdrawal", headers=delbrueck).status_code == 404
    listed = client.get("/api/v1/cases", headers=delbrueck).json
    assert case["id"] not in [c["id"] for c in listed["items"]]
    assert client.get(f"/api/v1/tasks?case_id={case['id']}", headers=delbrueck).json["items"] == []
    assert client.get(f"/api/v1/cases?q={case['case_number']}", headers=delbrueck).json["total"] == 0
    # ... nor open one there.
    r = client.post("/api/v1/cases", json={"municipality": "Borchen", "client": CLIENT}, headers=delbrueck)
    assert r.status_code == 403


def test_uma_team_cases_belong_to_the_team(client, login):
    uma, paderborn_cm = login("cm-uma"), login("cm-borchen")
    case = open_case(client, uma, municipality="Paderborn")
    assert case["team"] == "UmA-Team" and case["municipality"] == "Paderborn"
    assert client.get(f"/api/v1/cases/{case['id']}", headers=paderborn_cm).status_code == 404
    complete(client, uma, case["id"], "first_contact", d.FIRST_CONTACT)


def test_coordinator_sees_cases_without_client_data(client, login):
    case = open_case(client, login("cm-borchen"))
    complete(client, login("cm-borchen"), case["id"], "first_contact", d.FIRST_CONTACT)
    coord = login("coordinator")
    listed = client.get("/api/v1/cases", headers=coord).json
    assert listed["total"] >= 1
    detail = client.get(f"/api/v1/cases/{case['id']}", headers=coord)
    assert detail.status_code == 200
    body = detail.get_data(as_text=True)
    assert "client" not in detail.json and CLIENT["family_name"] not in body and "1990-04-02" not in body
    assert all(e["data"] is None for e in detail.json["history"])
    assert client.get("/api/v1/cases?q=Haddad", headers=coord).json["total"] == 0
    # Coordinators work only the tasks of their lane ("Koordination"): the case's tasks are not theirs.
    tasks = client.get(f"/api/v1/tasks?case_id={case['id']}", headers=coord)
    assert tasks.status_code == 200 and tasks.json["items"] == []
    assert (
        client.post(
            "/api/v1/cases", json={"municipality": "Borchen", "client": CLIENT}, headers=coord
        ).status_code
        == 403
    )


@pytest.mark.parametrize("user", ["admin", "process-owner"])
def test_roles_without_case_access(client, login, user):
    assert client.get("/api/v1/cases", headers=login(user)).status_code == 403


def test_authentication(client, login):
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get("/api/v1/cases", headers={"Authorization": "Bearer nope"}).status_code == 401
    r = client.post("/api/v1/auth/token", json={"username": "cm-borchen", "password": "wrong"})
    assert r.status_code == 401 and r.mimetype == "application/problem+json"
    r = client.post("/api/v1/auth/token", json={"username": "ghost", "password": "demo"})
    assert r.status_code == 401
    r = client.post("/api/v1/auth/token", json={"username": "cm-borchen", "password": "demo"})
    assert r.json["user"]["role"] == "case_manager" and r.json["user"]["municipality"] == "Borchen"


def test_open_case_validation(client, login):
    h = login("cm-borchen")
    r = client.post("/api/v1/cases", json={"municipality": "Atlantis", "client": CLIENT}, headers=h)
    assert r.status_code == 422 and "municipality" in r.json["errors"]
    r = client.post(
        "/api/v1/cases", json={"municipality": "Borchen", "client": {"given_name": "A"}}, headers=h
    )
    assert r.status_code == 422 and r.json["errors"]["client.family_name"] == [
        "Pflichtfeld: bitte ausfüllen."
    ]
    r = client.post(
        "/api/v1/cases",
        json={"municipality": "borchen", "client": {**CLIENT, "birth_date": "02.04.1990"}},
        headers=h,
    )
    assert r.status_code == 422 and "client.birth_date" in r.json["errors"]
    r = client.get("/api/v1/cases?per_page=1000", headers=h)
    assert r.status_code == 422


BAD_BODIES = [
    b"",
    b"{",
    b"null",
    b"[]",
    b'"x"',
    b"123",
    b'{"data": null}',
    b'{"data": []}',
    b'{"data": "x"}',
    b'{"data": {"consent_given": {"$gt": 1}}}',
    b"\xff\xfe",
    b'{"data": {}}',
    b'{"municipality": null}',
    b'{"municipality": ["Borchen"], "client": []}',
    b'{"data": {"contact_date": 5, "concerns": null}, "extra": 1}',
    b"[" * 50000 + b"]" * 50000,
    b'{"data": ' + b"[" * 50000 + b"]" * 50000 + b"}",
]


def test_no_input_of_any_shape_causes_a_500(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    task_id = case["open_tasks"][0]["id"]
    urls = [
        "/api/v1/cases",
        f"/api/v1/tasks/{task_id}/complete",
        "/api/v1/auth/token",
        f"/api/v1/cases/{case['id']}/consent-withdrawal",
    ]
    for url in urls:
        for body in BAD_BODIES:
            for ctype in ("application/json", "text/plain", None):
                headers = dict(h)
                if ctype:
                    headers["Content-Type"] = ctype
                r = client.post(url, data=body, headers=headers)
                assert 400 <= r.status_code < 500 or r.status_code == 200, (url, body, r.status_code)
                if r.status_code >= 400:
                    assert r.mimetype == "application/problem+json" and r.json["detail"]
    for url in [
        "/api/v1/cases/abc",
        "/api/v1/cases/-1",
        "/api/v1/tasks/" + "x" * 5000,
        "/api/v1/cases?page=0",
        "/api/v1/cases?status=weird",
        "/api/v1/tasks?case_id=x",
        "/api/v1/cases/1/history?per_page=-5",
    ]:
        r = client.get(url, headers=h)
        assert 400 <= r.status_code < 500, (url, r.status_code)
    # The task is untouched by all of that.
    assert client.get(f"/api/v1/tasks/{task_id}", headers=h).json["status"] == "ready"


def test_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["info"]["title"] == "KIM Fallprozesse"
    for path in [
        "/api/v1/cases",
        "/api/v1/tasks/{task_id}/complete",
        "/api/v1/cases/{case_id}/consent-withdrawal",
        "/api/v1/auth/token",
        "/api/v1/health",
    ]:
        assert path in doc["paths"]
    assert client.get("/api/v1/docs").status_code == 200
    assert client.get("/api/v1/swagger-ui-assets/swagger-ui-bundle.js").status_code == 200


def test_nul_characters_are_refused_everywhere(client, login):
    h = login("cm-borchen")
    r = client.post(
        "/api/v1/cases",
        json={"municipality": "Borchen", "client": {**CLIENT, "family_name": "A\x00B"}},
        headers=h,
    )
    assert r.status_code == 422 and "NUL" in r.json["detail"]
    assert client.get("/api/v1/cases?q=Ha%00", headers=h).status_code == 422
    assert client.get("/api/v1/cases", headers=h).json["total"] == 0  # nothing was saved
