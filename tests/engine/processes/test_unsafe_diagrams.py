"""Diagrams are untrusted: code in conditions, scripts or timers is refused at upload and deploy."""

from pathlib import Path

import pytest

LIFECYCLE = Path(__file__).resolve().parents[3] / "processes" / "case_lifecycle.bpmn"
ATTACKS = [
    "__import__('os').system('touch {marker}')",
    "open('{marker}', 'w').write('x')",
    "().__class__.__mro__[1].__subclasses__()",
    "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'Popen']",
    "getattr(route, '__class__')",
]


def _with_condition(condition: str) -> bytes:
    xml = LIFECYCLE.read_text(encoding="utf-8")
    # The gateway after the assessment routes on `route`; replace one branch's condition.
    marker = 'route == "referral"'
    assert marker in xml
    escaped = condition.replace("&", "&amp;").replace("<", "&lt;")
    return xml.replace(marker, escaped, 1).encode("utf-8")


@pytest.mark.parametrize("attack", ATTACKS)
def test_unsafe_condition_cannot_be_deployed(client, login, tmp_path, attack):
    owner = login("process-owner")
    marker = tmp_path / "pwned"
    xml = _with_condition(attack.format(marker=marker))
    r = client.post("/api/v1/processes", data=xml, headers={**owner, "Content-Type": "application/xml"})
    assert r.status_code == 201, r.json
    assert r.json["deployable"] is False
    (problem,) = r.json["problems"]
    assert problem["element_id"] and "nicht erlaubt" in problem["message_de"], problem
    deploy = client.post(
        "/api/v1/processes/case_lifecycle/deploy", json={"version": r.json["version"]}, headers=owner
    )
    assert deploy.status_code == 422 and deploy.json["problems"][0]["element_id"] == problem["element_id"]
    current = [
        p
        for p in client.get("/api/v1/processes", headers=owner).json["items"]
        if p["process_id"] == "case_lifecycle"
    ]
    assert current[0]["current_version"] == 1
    assert not marker.exists()


def test_validate_judges_without_storing(client, login):
    owner = login("process-owner")
    xml = _with_condition("__import__('os')")
    r = client.post(
        "/api/v1/processes/validate", data=xml, headers={**owner, "Content-Type": "application/xml"}
    )
    assert r.status_code == 200 and r.json["deployable"] is False and r.json["process_id"] == "case_lifecycle"
    versions = client.get("/api/v1/processes/case_lifecycle/versions", headers=owner).json["items"]
    assert [v["version"] for v in versions] == [1]


def test_deploy_is_a_noop_for_unchanged_content_and_rollback_works(client, login):
    owner = login("process-owner")
    xml = LIFECYCLE.read_bytes()
    same = client.post("/api/v1/processes", data=xml, headers={**owner, "Content-Type": "application/xml"})
    assert same.status_code == 200 and same.json["version"] == 1 and same.json["changed"] is False
    changed = xml.replace(b'name="Evaluation"', b'name="Zwischenauswertung"', 1)
    new = client.post(
        "/api/v1/processes", data=changed, headers={**owner, "Content-Type": "application/xml"}
    ).json
    assert new["version"] == 2 and new["status"] == "draft" and new["deployable"] is True
    d1 = client.post("/api/v1/processes/case_lifecycle/deploy", json={}, headers=owner).json
    assert d1["version"] == 2 and d1["changed"] is True and d1["is_current"] is True
    again = client.post("/api/v1/processes/case_lifecycle/deploy", json={"version": 2}, headers=owner).json
    assert again["changed"] is False
    back = client.post("/api/v1/processes/case_lifecycle/rollback", json={"version": 1}, headers=owner).json
    assert back["version"] == 1 and back["is_current"] is True and back["changed"] is True
    listed = client.get("/api/v1/processes/case_lifecycle/versions", headers=owner).json["items"]
    assert [(v["version"], v["status"], v["is_current"]) for v in listed] == [
        (2, "deployed", False),
        (1, "deployed", True),
    ]
    assert (
        client.post(
            "/api/v1/processes/case_lifecycle/rollback", json={"version": 9}, headers=owner
        ).status_code
        == 404
    )
