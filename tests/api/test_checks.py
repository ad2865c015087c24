"""The checks' API (Baustein 3): bad input answered in German naming the field, nothing started; the
Einbürgerungsbehörde's own check; the authority reads its check, nobody else's."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine import clock
from engine.checks.models import Check
from tests.engine.checks.helpers import RESULT, checks_of, do, referred, start, task
from tests.engine.followups.helpers import travel
from tests.engine.referrals.helpers import family_case, send

API = "/api/v1"
NATURALISATION = {
    "check_10": True,
    "n_stay": "met",
    "n_title": "met",
    "n_language": "met",
    "n_test": "met",
    "n_livelihood": "met",
    "n_no_convictions": "met",
    "n_commitment": "met",
    "n_identity": "met",
    "next_step": "record_result",
}


@pytest.fixture(autouse=True)
def _on_the_twentieth():
    travel("2026-11-20")
    yield
    clock.reset()


def _count(app) -> int:
    with app.extensions["kim"]["sessions"]() as s:
        return s.scalar(select(func.count()).select_from(Check)) or 0


def test_bad_input_names_the_field_and_starts_nothing(app, client, login):
    case, ref = referred(app, client, login)
    abh = login("abh")
    for body, field in (({}, "kind"), ({"kind": "x" * 21}, "kind"), ({"kind": "asylum"}, "kind")):
        r = client.post(f"{API}/referrals/{ref['id']}/checks", headers=abh, json=body)
        assert r.status_code == 422 and field in r.json["errors"], r.json
    assert (
        client.post(f"{API}/referrals/999999/checks", headers=abh, json={"kind": "residence"}).status_code
        == 404
    )
    cm = login("cm-borchen")
    r = client.post(f"{API}/referrals/{ref['id']}/checks", headers=cm, json={"kind": "residence"})
    assert r.status_code == 403 and "Behörde" in r.json["detail"]
    assert _count(app) == 0
    check = start(client, abh, ref["id"])
    r = client.post(f"{API}/checks/{check['id']}/goals", headers=cm, json={"criterion": "b_language"})
    assert r.status_code == 409 and r.json["type"].endswith("/check-running")
    assert client.post(f"{API}/checks/{check['id']}/goals", headers=cm, json={}).status_code == 422
    # the checklist: a path ticked needs each of its criteria; nothing is saved on a refusal
    assess = task(client, abh, "assess")
    r = do(client, abh, assess["id"], {"check_25a": True, "next_step": "record_result"}, expect=422)
    assert {"a_age", "a_stay", "a_school"} <= set(r["errors"])
    r = do(client, abh, assess["id"], {**RESULT, "b_language": "vielleicht"}, expect=422)
    assert list(r["errors"]) == ["b_language"]
    assert checks_of(client, cm, case["id"])[0]["status"] == "running"
    # the authority reads its own check; the result comes when it is recorded
    do(client, abh, assess["id"], RESULT)
    seen = client.get(f"{API}/checks/{check['id']}", headers=abh).json
    assert seen["status"] == "finished" and seen["paths"][0]["path"] == "p25b" and seen["met"] is False
    assert client.get(f"{API}/checks/{check['id']}", headers=cm).status_code == 403


def test_the_naturalisation_authority_checks_section_10(app, client, login):
    h = login("cm-borchen")
    case, m = family_case(app, client, h)
    r = client.post(
        f"{API}/cases/{case['id']}/consents",
        headers=h,
        json={"agency": "naturalisation_authority", "given_on": "2026-11-09", "member_ids": [m["Karim"]]},
    )
    assert r.status_code == 201, r.json
    ref = send(client, h, case["id"], "naturalisation_authority", [m["Karim"]], "residence")
    # the county's Einbürgerungsbehörde: a demo account of the seed (agency naturalisation_authority)
    ebh = login("ebh")
    start(client, login("abh"), ref["id"], expect=404)  # not addressed to the Ausländerbehörde
    start(client, ebh, ref["id"], kind="residence", expect=422)  # not the Einbürgerungsbehörde's check
    check = start(client, ebh, ref["id"], kind="naturalisation")
    assert check["kind_label"] == "Einbürgerungsprüfung"
    assert client.get(f"{API}/tasks", headers=login("abh")).json["items"] == []
    do(client, ebh, task(client, ebh, "assess")["id"], NATURALISATION)
    (done,) = checks_of(client, h, case["id"])
    assert done["met"] is True and done["paths"][0]["title"] == "§ 10 StAG (Anspruchseinbürgerung)"
    (item,) = client.get(f"{API}/cases/{case['id']}/referrals", headers=h).json["items"]
    assert item["status"] == "answered" and "Voraussetzungen erfüllt" in item["answer_text"]
