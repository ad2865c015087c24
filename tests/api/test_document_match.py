"""Where the API used to differ from its OpenAPI document: 405 Allow, 414, /forms/validate, role order."""

from __future__ import annotations


def test_405_says_which_methods_are_allowed(client, login):
    r = client.delete("/api/v1/cases", headers=login("cm-borchen"))
    assert r.status_code == 405 and r.mimetype == "application/problem+json"
    assert set(r.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_an_overlong_address_is_a_problem_json_414(client, login):
    r = client.get("/api/v1/cases?q=" + "x" * 5000, headers=login("cm-borchen"))
    assert r.status_code == 414 and r.mimetype == "application/problem+json"
    assert r.json["status"] == 414 and "zu lang" in r.json["detail"]


def test_forms_validate_is_only_the_check(client, login):
    r = client.options("/api/v1/forms/validate", headers=login("process-owner"))
    assert set(r.headers["Allow"].replace(" ", "").split(",")) == {"POST", "OPTIONS"}
    r = client.get("/api/v1/forms/validate", headers=login("process-owner"))
    assert r.status_code == 405 and r.headers["Allow"]


def test_the_role_is_checked_before_the_filters(client, login):
    r = client.get("/api/v1/followups?team=0", headers=login("admin"))
    assert r.status_code == 403


def test_deploy_and_runs_need_no_body(client, login):
    owner = login("process-owner")
    assert client.post("/api/v1/processes/case_lifecycle/deploy", headers=owner).status_code == 200
    assert client.post("/api/v1/processes/case_lifecycle/runs", headers=owner).status_code == 201
