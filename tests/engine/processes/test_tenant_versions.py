"""Process and form versions per county: a shared base that a county's process owners override for their
county alone and reset to; two counties in one database (Paderborn from the template, a small second
county seeded here)."""

from __future__ import annotations

import json

import pytest

from engine.config import PROJECT_ROOT
from engine.org.service import seed_organisation
from engine.processes.service import deploy_form
from engine.uow import begin

from ...api.helpers import open_case, ready
from .helpers import API

LIFECYCLE = (PROJECT_ROOT / "processes" / "case_lifecycle.bpmn").read_text(encoding="utf-8")
SECOND = {
    "tenant": {"key": "zweitkreis", "name": "Kreis Zweitland", "case_prefix": "ZW"},
    "regions": [{"key": "nord", "name": "Nord"}],
    "municipalities": [{"key": "nordheim", "name": "Nordheim", "region": "nord"}],
    "demo_accounts": [
        {"username": "zw-owner", "password": "demo", "display_name": "ZW Prozesse", "role": "process_owner"},
        {
            "username": "zw-cm",
            "password": "demo",
            "display_name": "ZW Case-Management",
            "role": "case_manager",
            "municipality": "nordheim",
        },
    ],
}


@pytest.fixture
def second(app, tmp_path):
    """A second county with a process owner and a case manager in the same database."""
    seed = tmp_path / "zweitkreis.json"
    seed.write_text(json.dumps(SECOND), encoding="utf-8")
    with app.extensions["kim"]["sessions"]() as session:
        begin(session, write=True)
        seed_organisation(session, seed, demo=True)
        session.commit()


def _first_task(client, headers, municipality):
    case = open_case(client, headers, municipality=municipality)
    (task,) = [t for t in ready(client, headers, case["id"]) if t["bpmn_id"] == "first_contact"]
    detail = client.get(f"{API}/tasks/{task['id']}", headers=headers)
    assert detail.status_code == 200, detail.json
    return case, detail.json


def test_a_form_changed_in_one_county_does_not_change_the_others_next_case(client, login, second, app):
    pb, zw = login("process-owner"), login("zw-owner")
    pb_cm, zw_cm = login("cm-borchen"), login("zw-cm")
    base = client.get(f"{API}/forms/first_contact", headers=zw).json
    assert base["source"] == "base" and base["version"] == 1
    own = {**base["schema"], "title": "Erstgespräch Zweitland"}
    saved = client.put(f"{API}/forms/first_contact", json={"schema": own}, headers=zw).json
    assert saved["changed"] is True and saved["source"] == "tenant" and saved["version"] == 2

    # Paderborn still sees and uses the base; its next case's form is the base's.
    assert client.get(f"{API}/forms/first_contact", headers=pb).json["title"] == base["title"]
    listed = {f["form_key"]: f for f in client.get(f"{API}/forms", headers=pb).json["items"]}
    assert listed["first_contact"]["source"] == "base" and listed["first_contact"]["version"] == 1
    _, pb_task = _first_task(client, pb_cm, "Borchen")
    assert pb_task["form"]["title"] == base["title"]
    _, zw_task = _first_task(client, zw_cm, "Nordheim")
    assert zw_task["form"]["title"] == "Erstgespräch Zweitland"
    listed = {f["form_key"]: f for f in client.get(f"{API}/forms", headers=zw).json["items"]}
    assert listed["first_contact"]["source"] == "tenant" and listed["first_contact"]["version"] == 2
    assert listed["consent"]["source"] == "base"

    # A new base version (kim deploy) reaches Paderborn; Zweitland keeps its own until it resets.
    changed = {**base["schema"], "title": "Erstgespräch (Basis neu)"}
    with app.extensions["kim"]["sessions"]() as session:
        begin(session, write=True)
        row, created = deploy_form(session, "first_contact", json.dumps(changed).encode(), "system")
        assert created and row.version == 3 and row.tenant_id is None
        session.commit()
    assert client.get(f"{API}/forms/first_contact", headers=pb).json["title"] == "Erstgespräch (Basis neu)"
    assert client.get(f"{API}/forms/first_contact", headers=zw).json["title"] == "Erstgespräch Zweitland"

    reset = client.post(f"{API}/forms/first_contact/reset", headers=zw)
    assert reset.status_code == 200, reset.json
    assert reset.json["changed"] is True and reset.json["source"] == "base" and reset.json["version"] == 3
    assert client.post(f"{API}/forms/first_contact/reset", headers=zw).json["changed"] is False
    assert client.post(f"{API}/forms/first_contact/reset", headers=pb).json["changed"] is False
    _, zw_task = _first_task(client, zw_cm, "Nordheim")
    assert zw_task["form"]["title"] == "Erstgespräch (Basis neu)"
    assert client.get(f"{API}/forms/first_contact", headers=zw).json["source"] == "base"

    # A form of Zweitland's own: Paderborn neither lists nor reads it.
    note = {"type": "object", "title": "Notiz Zweitland", "properties": {"note": {"type": "string"}}}
    assert client.put(f"{API}/forms/zw_note", json={"schema": note}, headers=zw).status_code == 200
    assert "zw_note" in {f["form_key"] for f in client.get(f"{API}/forms", headers=zw).json["items"]}
    assert "zw_note" not in {f["form_key"] for f in client.get(f"{API}/forms", headers=pb).json["items"]}
    assert client.get(f"{API}/forms/zw_note", headers=pb).status_code == 404
    # ... and it has no base to return to.
    assert client.post(f"{API}/forms/zw_note/reset", headers=zw).status_code == 422
    assert client.post(f"{API}/forms/nope/reset", headers=zw).status_code == 404
    assert client.post(f"{API}/forms/first_contact/reset", headers=zw_cm).status_code == 403


def _upload(client, headers, xml: str) -> dict:
    r = client.post(
        f"{API}/processes", data=xml.encode("utf-8"), headers={**headers, "Content-Type": "application/xml"}
    )
    assert r.status_code in (200, 201), r.json
    return r.json


def test_a_process_deployed_in_one_county_is_not_used_by_the_other_and_reset_returns_to_the_base(
    client, login, second
):
    pb, zw = login("process-owner"), login("zw-owner")
    pb_cm, zw_cm = login("cm-borchen"), login("zw-cm")
    own_xml = LIFECYCLE.replace('name="Erstgespräch"', 'name="Erstgespräch (Zweitland)"', 1)
    draft = _upload(client, zw, own_xml)
    assert draft["version"] == 2 and draft["source"] == "tenant" and draft["is_current"] is False
    deployed = client.post(f"{API}/processes/case_lifecycle/deploy", json={"version": 2}, headers=zw).json
    assert deployed["changed"] is True and deployed["is_current"] is True and deployed["source"] == "tenant"

    # Paderborn: still the base, and Zweitland's version is as missing as one that does not exist.
    summary = {p["process_id"]: p for p in client.get(f"{API}/processes", headers=pb).json["items"]}
    assert summary["case_lifecycle"]["current_version"] == 1
    assert summary["case_lifecycle"]["current_source"] == "base"
    assert summary["case_lifecycle"]["latest_version"] == 1
    versions = client.get(f"{API}/processes/case_lifecycle/versions", headers=pb).json["items"]
    assert [(v["version"], v["source"], v["is_current"]) for v in versions] == [(1, "base", True)]
    for path in ("versions/2", "versions/2/xml"):
        theirs = client.get(f"{API}/processes/case_lifecycle/{path}", headers=pb)
        missing = client.get(f"{API}/processes/case_lifecycle/{path.replace('2', '99')}", headers=pb)
        assert theirs.status_code == missing.status_code == 404 and theirs.data == missing.data
    for action in ("deploy", "rollback"):
        theirs = client.post(f"{API}/processes/case_lifecycle/{action}", json={"version": 2}, headers=pb)
        missing = client.post(f"{API}/processes/case_lifecycle/{action}", json={"version": 99}, headers=pb)
        assert theirs.status_code == missing.status_code == 404 and theirs.data == missing.data
    for path, body in (("runs", "version"), ("migrations", "to_version")):
        theirs = client.post(f"{API}/processes/case_lifecycle/{path}", json={body: 2}, headers=pb)
        missing = client.post(f"{API}/processes/case_lifecycle/{path}", json={body: 99}, headers=pb)
        assert theirs.status_code == missing.status_code == 404 and theirs.data == missing.data
    theirs = client.get(f"{API}/processes/case_lifecycle/insight?version=2", headers=pb)
    missing = client.get(f"{API}/processes/case_lifecycle/insight?version=99", headers=pb)
    assert theirs.status_code == missing.status_code == 404 and theirs.data == missing.data
    mine = client.get(f"{API}/processes/case_lifecycle/insight", headers=zw).json
    assert mine["version"] == 2 and mine["versions"] == [1, 2]
    assert client.get(f"{API}/processes/case_lifecycle/insight", headers=pb).json["versions"] == [1]
    zw_only = _upload(client, zw, LIFECYCLE.replace('name="Erstgespräch"', 'name="Nur Zweitland"', 1))
    pb_list = client.get(f"{API}/processes", headers=pb).json["items"]
    assert {p["process_id"] for p in pb_list} == {
        p["process_id"] for p in client.get(f"{API}/processes", headers=zw).json["items"]
    }
    assert zw_only["version"] == 3

    # New cases: each county on its own current version.
    _, pb_task = _first_task(client, pb_cm, "Borchen")
    assert pb_task["name"] == "Erstgespräch"
    zw_case, zw_task = _first_task(client, zw_cm, "Nordheim")
    assert zw_task["name"] == "Erstgespräch (Zweitland)"
    versions = client.get(f"{API}/processes/case_lifecycle/versions", headers=zw).json["items"]
    assert [(v["version"], v["source"], v["is_current"]) for v in versions] == [
        (3, "tenant", False),
        (2, "tenant", True),
        (1, "base", False),
    ]

    # Reset: new cases start on the base; the running case stays on its version.
    reset = client.post(f"{API}/processes/case_lifecycle/reset", headers=zw)
    assert reset.status_code == 200, reset.json
    assert reset.json["changed"] is True and reset.json["version"] == 1 and reset.json["source"] == "base"
    assert reset.json["is_current"] is True
    assert client.post(f"{API}/processes/case_lifecycle/reset", headers=zw).json["changed"] is False
    _, zw_task = _first_task(client, zw_cm, "Nordheim")
    assert zw_task["name"] == "Erstgespräch"
    (still,) = [t for t in ready(client, zw_cm, zw_case["id"]) if t["bpmn_id"] == "first_contact"]
    assert still["name"] == "Erstgespräch (Zweitland)"
    summary = {p["process_id"]: p for p in client.get(f"{API}/processes", headers=zw).json["items"]}
    assert summary["case_lifecycle"]["current_version"] == 1
    assert summary["case_lifecycle"]["current_source"] == "base"

    # Rolling back to the own version overrides again; the base's current version again is a reset.
    back = client.post(f"{API}/processes/case_lifecycle/rollback", json={"version": 2}, headers=zw).json
    assert back["changed"] is True and back["version"] == 2 and back["source"] == "tenant"
    again = client.post(f"{API}/processes/case_lifecycle/rollback", json={"version": 1}, headers=zw).json
    assert again["changed"] is True and again["version"] == 1 and again["source"] == "base"
    assert client.post(f"{API}/processes/nope/reset", headers=zw).status_code == 404
    assert client.post(f"{API}/processes/case_lifecycle/reset", headers=zw_cm).status_code == 403


def test_an_older_base_version_deployed_by_a_county_becomes_its_own_copy(client, login, second, app):
    from engine.processes.service import deploy_process

    zw, pb = login("zw-owner"), login("process-owner")
    newer = LIFECYCLE.replace('name="Erstgespräch"', 'name="Erstgespräch (Basis 2)"', 1)
    with app.extensions["kim"]["sessions"]() as session:
        begin(session, write=True)
        row, created = deploy_process(session, newer.encode("utf-8"), "system")
        assert created and row.version == 2 and row.tenant_id is None
        session.commit()
    copy = client.post(f"{API}/processes/case_lifecycle/rollback", json={"version": 1}, headers=zw).json
    assert copy["changed"] is True and copy["version"] == 3 and copy["source"] == "tenant"
    summary = {p["process_id"]: p for p in client.get(f"{API}/processes", headers=pb).json["items"]}
    assert summary["case_lifecycle"]["current_version"] == 2
    assert summary["case_lifecycle"]["current_source"] == "base"
