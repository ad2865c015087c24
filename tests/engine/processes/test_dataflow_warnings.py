"""Data-flow warnings: a field no form or script before it provides is named, and does not block deploy."""

import pytest

from engine.config import PROJECT_ROOT

from .helpers import API, LIFECYCLE

SHIPPED = sorted((PROJECT_ROOT / "processes").glob("*.bpmn"))


@pytest.fixture
def owner(login):
    return login("process-owner")


def _post(client, owner, path, xml: str):
    return client.post(
        f"{API}/processes{path}",
        data=xml.encode("utf-8"),
        headers={**owner, "Content-Type": "application/xml"},
    )


def test_a_misspelt_field_is_a_warning_naming_condition_field_and_forms(client, owner):
    xml = LIFECYCLE.replace('route == "referral"', 'rout == "referral"')
    verdict = _post(client, owner, "/validate", xml).json
    assert verdict["deployable"] is True
    (warning,) = verdict["problems"]
    assert warning["severity"] == "warning" and warning["element_id"] == "gw_route"
    assert "„rout“" in warning["message_de"] and "assessment" in warning["message_de"], warning
    assert "closure" not in warning["message_de"]  # only forms before the gateway are named
    stored = _post(client, owner, "", xml).json
    assert stored["deployable"] is True
    deployed = client.post(
        f"{API}/processes/case_lifecycle/deploy", json={"version": stored["version"]}, headers=owner
    )
    assert deployed.status_code == 200 and deployed.json["problems"] == [warning]


def test_guarded_reads_and_script_results_are_no_warning(client, owner):
    xml = LIFECYCLE.replace(
        'route == "referral"', "'x' in data and x == 1 or data.get('y') == 2 or route == 'a'"
    )
    assert _post(client, owner, "/validate", xml).json["problems"] == []
    # closure_reason is set by the script before the end; a read after it is fine, one before is not
    early = LIFECYCLE.replace("consent_given == True", 'consent_given == True and closure_reason != "x"')
    problems = _post(client, owner, "/validate", early).json["problems"]
    assert [(p["element_id"], p["severity"]) for p in problems] == [("gw_consent", "warning")], problems


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_the_shipped_processes_have_no_blockers_and_no_warnings(client, owner, path):
    verdict = _post(client, owner, "/validate", path.read_text(encoding="utf-8")).json
    assert verdict["deployable"] is True and verdict["problems"] == [], verdict["problems"]
