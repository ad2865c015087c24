"""Every BPMN interchange (MIWG) model through the upload API: stored, judged, never a 500."""

import re

import pytest

from engine.config import PROJECT_ROOT

MIWG = PROJECT_ROOT.parent / "shared" / "miwg"
FILES = sorted(MIWG.rglob("*.bpmn"))
RAW = re.compile(r"Error|Exception|Traceback|\{http|lxml|SpiffWorkflow|etree|\bline \d+ and\b|KeyError")


def test_the_models_are_there():
    assert len(FILES) >= 40, f"MIWG models missing under {MIWG}"


@pytest.fixture
def owner(login):
    return login("process-owner")


def _check_problems(body):
    for p in body["problems"]:
        assert p["element_id"], p  # each problem names its element
        assert p["message_de"] and p["message"], p
        assert not RAW.search(p["message_de"]) and not RAW.search(p["message"]), p


def test_every_model_is_stored_with_a_verdict(client, owner):
    seen = {}
    for path in FILES:
        data = path.read_bytes()
        r = client.post("/api/v1/processes", data=data, headers={**owner, "Content-Type": "application/xml"})
        assert r.status_code in (200, 201), (path.name, r.status_code, r.get_data(as_text=True)[:300])
        body = r.json
        assert body["status"] == "draft" and body["deployable"] == (not body["problems"]), path.name
        _check_problems(body)
        seen[path.name] = body
        xml = client.get(
            f"/api/v1/processes/{body['process_id']}/versions/{body['version']}/xml", headers=owner
        )
        assert xml.status_code == 200 and xml.data == data, path.name
    # The verdicts say why, in the process owner's words.
    assert any("Service-Aufgaben" in p["message_de"] for b in seen.values() for p in b["problems"])
    assert any("ausführbaren Prozess" in p["message_de"] for b in seen.values() for p in b["problems"])
    assert any("Kompensation" in p["message_de"] for b in seen.values() for p in b["problems"])


def test_multipart_upload_and_deploy_refusal_name_the_element(client, owner):
    path = MIWG / "reference" / "C.1.0.bpmn"
    r = client.post(
        "/api/v1/processes",
        headers=owner,
        content_type="multipart/form-data",
        data={"file": (path.open("rb"), "C.1.0.bpmn")},
    )
    assert r.status_code in (200, 201), r.json
    body = r.json
    _check_problems(body)
    refused = client.post(
        f"/api/v1/processes/{body['process_id']}/deploy", json={"version": body["version"]}, headers=owner
    )
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert refused.json["problems"] == body["problems"]


@pytest.mark.parametrize(
    "data,where",
    [
        (b"<definitions><process id='x'>", "Zeile 1"),
        (b"\x00\x01garbage", None),
        (b"<?xml version='1.0'?><a/>", None),
        (b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>", None),
    ],
)
def test_malformed_files_get_422_with_position_and_nothing_is_stored(client, owner, data, where):
    before = client.get("/api/v1/processes", headers=owner).json["items"]
    r = client.post("/api/v1/processes", data=data, headers={**owner, "Content-Type": "application/xml"})
    assert r.status_code == 422 and r.mimetype == "application/problem+json", r.get_data(as_text=True)
    assert not RAW.search(r.json["detail"]) and "root:" not in r.json["detail"]
    if where:
        assert where in r.json["detail"] and r.json["line"] == 1
    assert client.get("/api/v1/processes", headers=owner).json["items"] == before


def test_only_process_owners_upload(client, login):
    data = (MIWG / "reference" / "A.1.0.bpmn").read_bytes()
    for user in ("cm-borchen", "coordinator", "admin", "dpo"):
        r = client.post(
            "/api/v1/processes", data=data, headers={**login(user), "Content-Type": "application/xml"}
        )
        assert r.status_code == 403, user


# German message fragment -> the BPMN element each such blocker is about (one problem per element).
BLOCKER_KINDS = {
    "Service-Aufgaben": "serviceTask",
    "Sende-Aufgaben": "sendTask",
    "Geschäftsregel-Aufgaben": "businessRuleTask",
    "Datenspeicher": "dataStoreReference",
    "Kompensationsereignisse": "compensateEventDefinition",
}


def test_every_blocker_is_listed_when_the_models_are_made_executable(client, owner):
    """With isExecutable flipped to true, each verdict lists all blockers of a kind at once."""
    several = 0
    for path in FILES:
        text = path.read_text(encoding="utf-8").replace('isExecutable="false"', 'isExecutable="true"')
        r = client.post(
            "/api/v1/processes/validate",
            data=text.encode("utf-8"),
            headers={**owner, "Content-Type": "application/xml"},
        )
        assert r.status_code == 200, (path.name, r.status_code, r.get_data(as_text=True)[:300])
        problems = r.json["problems"]
        _check_problems(r.json)
        for fragment, tag in BLOCKER_KINDS.items():
            expected = len(re.findall(rf"<(?:\w+:)?{tag}\b", text))
            found = [p for p in problems if p["message_de"].startswith(fragment)]
            assert len(found) == expected, (path.name, fragment, expected, found)
            several += expected > 1
    assert several >= 10  # many files have several blockers of one kind, and each is listed
