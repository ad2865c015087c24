"""A form version that breaks a field the engine reads is refused, naming the field and its use."""

from __future__ import annotations

import copy
import json

import pytest

from api.errors import type_uri
from engine.config import PROJECT_ROOT
from engine.processes.form_contract import CONTRACT, violations

API = "/api/v1"


@pytest.fixture
def owner(login):
    return login("process-owner")


def _current(client, owner, key):
    return client.get(f"{API}/forms/{key}", headers=owner).json


def _refused(client, owner, key, schema, field):
    before = _current(client, owner, key)
    r = client.put(f"{API}/forms/{key}", json={"schema": schema}, headers=owner)
    assert r.status_code == 422, r.json
    assert r.mimetype == "application/problem+json"
    assert r.json["type"] == type_uri("form-contract-violated")
    assert list(r.json["errors"]) == [f"schema.properties.{field}"], r.json
    assert field in r.json["detail"]
    after = _current(client, owner, key)
    assert after["version"] == before["version"] and after["schema"] == before["schema"]  # nothing saved
    return r.json["errors"][f"schema.properties.{field}"]


def test_removing_a_field_is_refused_with_what_needs_it(client, owner):
    schema = _current(client, owner, "referral")["schema"]
    del schema["properties"]["agency"]
    schema.pop("dependentRequired")  # agency is optional since the referrals are closed without one
    (message,) = _refused(client, owner, "referral", schema, "agency")
    assert "„agency“" in message and "Verweisungen nach Stelle" in message and "entfernt" in message


def test_removing_a_date_the_figures_count_by_is_refused(client, owner):
    schema = _current(client, owner, "first_contact")["schema"]
    del schema["properties"]["contact_date"]
    schema["required"] = [f for f in schema["required"] if f != "contact_date"]
    (message,) = _refused(client, owner, "first_contact", schema, "contact_date")
    assert "Unterstützte Personen" in message


def test_retyping_a_field_is_refused(client, owner):
    schema = _current(client, owner, "consent")["schema"]
    schema["properties"]["consent_given"] = {"type": "string", "title": "Einwilligung erteilt"}
    (message,) = _refused(client, owner, "consent", schema, "consent_given")
    assert "Ja/Nein" in message and "Einwilligung" in message


def test_dropping_a_date_format_is_refused(client, owner):
    schema = _current(client, owner, "closure")["schema"]
    schema["properties"]["closure_date"].pop("format")
    schema["properties"]["closure_date"].pop("x-not-after-today")  # a date rule needs a date field
    (message,) = _refused(client, owner, "closure", schema, "closure_date")
    assert "date" in message


def test_dropping_an_enum_code_the_process_branches_on_is_refused(client, owner):
    schema = _current(client, owner, "assessment")["schema"]
    route = schema["properties"]["route"]
    keep = route["enum"].index("referral")
    route["enum"] = [route["enum"][keep]]
    if "x-enum-titles" in route:
        route["x-enum-titles"] = [route["x-enum-titles"][keep]]
    (message,) = _refused(client, owner, "assessment", schema, "route")
    assert "accompaniment" in message and "Fallverlauf" in message


def test_making_a_branching_field_optional_is_refused(client, owner):
    schema = _current(client, owner, "uma_followup")["schema"]
    schema["required"] = [f for f in schema["required"] if f != "outcome"]
    (message,) = _refused(client, owner, "uma_followup", schema, "outcome")
    assert "Pflichtfeld" in message


def test_the_live_check_names_the_broken_field(client, owner):
    schema = _current(client, owner, "referral")["schema"]
    del schema["properties"]["agency"]
    r = client.post(f"{API}/forms/validate", json={"schema": schema, "form_key": "referral"}, headers=owner)
    assert r.status_code == 200 and r.json["valid"] is False
    assert any("„agency“" in p for p in r.json["problems"])
    # Without a form key the check is about the schema alone.
    assert client.post(f"{API}/forms/validate", json={"schema": schema}, headers=owner).json["valid"] is True


def test_unrelated_changes_are_accepted(client, owner):
    schema = _current(client, owner, "referral")["schema"]
    version = _current(client, owner, "referral")["version"]
    schema["title"] = "Verweisberatung (neu)"
    schema["properties"]["follow_up_wanted"] = {"type": "boolean", "title": "Rückmeldung erwünscht"}
    schema["properties"]["agency"]["title"] = "Stelle, an die verwiesen wird"
    schema["properties"]["agency"]["enum"].append("other_agency")  # a new choice breaks nothing read
    if "x-enum-titles" in schema["properties"]["agency"]:
        schema["properties"]["agency"]["x-enum-titles"].append("Andere Stelle")
    del schema["properties"]["notes"]  # a field the engine never reads may go
    r = client.put(f"{API}/forms/referral", json={"schema": schema}, headers=owner)
    assert r.status_code == 200, r.json
    assert r.json["version"] == version + 1 and r.json["title"] == "Verweisberatung (neu)"


def test_removable_fields_may_go_but_not_change_type(client, owner):
    schema = _current(client, owner, "escalation_forward")["schema"]
    changed = copy.deepcopy(schema)
    changed["properties"]["answer_within"] = {"type": "integer"}
    _refused(client, owner, "escalation_forward", changed, "answer_within")
    del schema["properties"]["answer_within"]
    r = client.put(f"{API}/forms/escalation_forward", json={"schema": schema}, headers=owner)
    assert r.status_code == 200, r.json


def test_a_new_form_key_has_no_contract(client, owner):
    r = client.put(
        f"{API}/forms/welcome_note", json={"schema": {"type": "object", "properties": {}}}, headers=owner
    )
    assert r.status_code == 200, r.json


@pytest.mark.parametrize("path", sorted((PROJECT_ROOT / "forms").glob("*.json")), ids=lambda p: p.stem)
def test_every_form_in_the_repository_keeps_the_contract(path):
    assert violations(path.stem, json.loads(path.read_text())) == {}


def test_every_contract_form_is_in_the_repository():
    assert set(CONTRACT) <= {p.stem for p in (PROJECT_ROOT / "forms").glob("*.json")}
