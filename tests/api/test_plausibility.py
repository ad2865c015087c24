"""Plausible dates and names over the API: a German 422 naming the field, nothing saved.

Dates that record what happened are not in the future, a job start at most 92 days ahead, a goal's target
not before its agreement, a referral not before the consent it relies on; names hold a letter and nothing
invisible or controlling, and are trimmed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.cases.models import Case
from engine.clock import today_berlin
from engine.consents.models import Consent, Referral
from engine.instances.models import HistoryEntry
from tests import lifecycle_data as d
from tests.api.helpers import CLIENT, complete, give_consent, open_case, ready, run_to_evaluation

API = "/api/v1"
FUTURE = "Das Datum darf nicht in der Zukunft liegen"


def _count(app, model, *cond) -> int:
    with app.extensions["kim"]["sessions"]() as s:
        return s.scalar(select(func.count()).select_from(model).where(*cond)) or 0


def _days(n: int) -> str:
    return (today_berlin() + timedelta(days=n)).isoformat()


def _refused(client, headers, case_id, bpmn_id, data, field) -> dict:
    """Completing is refused with a German message on ``field``; the task stays open."""
    (task,) = [t for t in ready(client, headers, case_id) if t["bpmn_id"] == bpmn_id]
    r = client.post(f"{API}/tasks/{task['id']}/complete", json={"data": data}, headers=headers)
    assert r.status_code == 422, r.json
    assert r.json["type"].endswith("/validation-failed") and r.json["title"] == "Ungültige Eingaben"
    assert list(r.json["errors"]) == [field], r.json
    assert [t["id"] for t in ready(client, headers, case_id) if t["bpmn_id"] == bpmn_id] == [task["id"]]
    return r.json


def _history(app, case_id) -> int:
    return _count(app, HistoryEntry, HistoryEntry.case_id == case_id)


def test_a_first_contact_consent_or_evaluation_cannot_lie_in_the_future(app, client, login):
    cm = login("cm-borchen")
    case = open_case(client, cm)
    before = _history(app, case["id"])
    body = _refused(
        client, cm, case["id"], "first_contact", {**d.FIRST_CONTACT, "contact_date": _days(1)}, "contact_date"
    )
    assert body["errors"]["contact_date"][0].startswith(FUTURE)
    assert today_berlin().strftime("%d.%m.%Y") in body["errors"]["contact_date"][0]
    assert _history(app, case["id"]) == before
    complete(
        client, cm, case["id"], "first_contact", {**d.FIRST_CONTACT, "contact_date": _days(0)}
    )  # today is fine

    # A consent dated in three days would be in force at once: refused, no consent recorded.
    _refused(client, cm, case["id"], "consent", {**d.CONSENT_YES, "consent_date": _days(3)}, "consent_date")
    assert _count(app, Consent, Consent.case_id == case["id"]) == 0
    complete(client, cm, case["id"], "consent", d.CONSENT_YES)
    complete(client, cm, case["id"], "assessment", d.ASSESS_ACCOMPANY)
    complete(client, cm, case["id"], "goal_agreement", d.GOALS)

    _refused(
        client,
        cm,
        case["id"],
        "evaluation",
        {**d.evaluation(False), "evaluation_date": _days(1)},
        "evaluation_date",
    )
    complete(client, cm, case["id"], "evaluation", d.evaluation(False))
    _refused(
        client,
        cm,
        case["id"],
        "final_evaluation",
        {**d.FINAL, "evaluation_date": _days(30)},
        "evaluation_date",
    )
    complete(client, cm, case["id"], "final_evaluation", d.FINAL)
    _refused(
        client, cm, case["id"], "closure", {**d.CLOSURE_GOALS_MET, "closure_date": _days(1)}, "closure_date"
    )
    assert client.get(f"{API}/cases/{case['id']}", headers=cm).json["status"] == "open"
    complete(client, cm, case["id"], "closure", d.CLOSURE_GOALS_MET)
    assert client.get(f"{API}/cases/{case['id']}", headers=cm).json["status"] == "closed"


def test_a_goal_cannot_be_due_before_its_agreement(app, client, login):
    cm = login("cm-borchen")
    case = open_case(client, cm)
    for bpmn_id, data in [
        ("first_contact", d.FIRST_CONTACT),
        ("consent", d.CONSENT_YES),
        ("assessment", d.ASSESS_ACCOMPANY),
    ]:
        complete(client, cm, case["id"], bpmn_id, data)
    goals = [
        {**d.GOALS["goals"][0]},
        {"goal": "Deutschkurs B1", "target_date": "2026-11-09"},  # the day before the agreement
    ]
    body = _refused(
        client, cm, case["id"], "goal_agreement", {**d.GOALS, "goals": goals}, "goals.1.target_date"
    )
    assert body["errors"]["goals.1.target_date"] == [
        "Das Datum darf nicht vor „Datum der Zielvereinbarung“ (10.11.2026) liegen."
    ]
    goals[1]["target_date"] = d.GOALS["agreement_date"]  # the same day is fine
    complete(client, cm, case["id"], "goal_agreement", {**d.GOALS, "goals": goals})


def test_a_referral_cannot_be_dated_before_its_consent(app, client, login):
    cm = login("cm-borchen")
    case = open_case(client, cm)
    for bpmn_id, data in [
        ("first_contact", d.FIRST_CONTACT),
        ("consent", d.CONSENT_YES),
        ("assessment", d.ASSESS_REFERRAL),
    ]:
        complete(client, cm, case["id"], bpmn_id, data)
    body = _refused(
        client, cm, case["id"], "referral", {**d.REFERRAL, "referral_date": "2026-11-01"}, "referral_date"
    )
    assert (
        "vor der Einwilligung und Schweigepflichtentbindung (02.11.2026)"
        in body["errors"]["referral_date"][0]
    )
    assert _count(app, Referral, Referral.case_id == case["id"]) == 0
    complete(
        client, cm, case["id"], "referral", {**d.REFERRAL, "referral_date": "2026-11-02"}
    )  # the same day
    assert _count(app, Referral, Referral.case_id == case["id"]) == 1


def test_a_further_release_cannot_be_dated_in_the_future(app, client, login):
    cm = login("cm-borchen")
    case = open_case(client, cm)
    run_to_evaluation(client, cm, case["id"])
    before = _count(app, Consent, Consent.case_id == case["id"])
    r = client.post(
        f"{API}/cases/{case['id']}/consents", json={"agency": "jmd", "given_on": _days(3)}, headers=cm
    )
    assert r.status_code == 422 and r.json["errors"]["given_on"][0].startswith(FUTURE), r.json
    assert _count(app, Consent, Consent.case_id == case["id"]) == before
    r = client.post(
        f"{API}/cases/{case['id']}/consents", json={"agency": "jmd", "given_on": _days(0)}, headers=cm
    )
    assert r.status_code == 201, r.json


def test_a_job_start_may_be_planned_up_to_92_days_ahead(app, client, login):
    uma = login("cm-uma")
    case = open_case(client, uma, municipality="Bad Lippspringe", given_name="Samir", family_name="Azizi")
    give_consent(client, uma, case["id"])  # a follow-up is case work: it needs the consent
    assert client.post(f"{API}/cases/{case['id']}/followups", headers=uma).status_code == 201
    talk = {"talk_date": _days(0), "responsible": "joint", "responsible_person": "Frau Berger"}
    complete(client, uma, case["id"], "coordination_talk", talk)
    job = {"placement_kind": "training", "employer": "Tischlerei Müller"}
    body = _refused(client, uma, case["id"], "job_start", {**job, "start_date": _days(93)}, "start_date")
    latest = (today_berlin() + timedelta(days=92)).strftime("%d.%m.%Y")
    assert body["errors"]["start_date"] == [
        f"Das Datum darf höchstens 92 Tage nach heute liegen (spätestens am {latest})."
    ]
    complete(client, uma, case["id"], "job_start", {**job, "start_date": _days(92)})


BAD_NAMES = {
    "only spaces": "   ",
    "zero-width space": "\u200b",
    "zero-width joiner in a name": "Ami\u200dna",
    "byte order mark": "\ufeffAmina",
    "terminal escape sequence": "\x1b[31mAmina\x1b[0m",
    "bell": "Amina\x07",
    "right-to-left override": "Amina\u202eadsaH",
    "isolate": "\u2066Amina\u2069",
    "line break inside": "Ami\nna",
    "digits only": "12345",
}


@pytest.mark.parametrize("field", ["given_name", "family_name"])
@pytest.mark.parametrize("name", BAD_NAMES.values(), ids=BAD_NAMES.keys())
def test_a_name_without_a_letter_or_with_hidden_characters_is_refused(app, client, login, field, name):
    cm = login("cm-borchen")
    before = _count(app, Case)
    r = client.post(
        f"{API}/cases", json={"municipality": "Borchen", "client": {**CLIENT, field: name}}, headers=cm
    )
    assert r.status_code == 422, r.json
    assert list(r.json["errors"]) == [f"client.{field}"]
    assert r.json["errors"][f"client.{field}"][0].startswith("Der Name ")
    assert _count(app, Case) == before


def test_a_name_is_trimmed_and_its_spaces_collapsed(app, client, login):
    cm = login("cm-borchen")
    case = open_case(client, cm, given_name="  Amina  Sara ", family_name="\tAl  Haddad\n")
    detail = client.get(f"{API}/cases/{case['id']}", headers=cm).json
    assert (detail["client"]["given_name"], detail["client"]["family_name"]) == ("Amina Sara", "Al Haddad")
    with app.extensions["kim"]["sessions"]() as s:
        row = s.get(Case, case["id"])
        assert (row.given_name, row.family_name) == ("Amina Sara", "Al Haddad")
    # Names of every script are names.
    other = open_case(client, cm, given_name="أمينة", family_name="Ørsted-Łukasz")
    assert client.get(f"{API}/cases/{other['id']}", headers=cm).json["client"]["given_name"] == "أمينة"


def test_a_birth_date_cannot_lie_in_the_future(app, client, login):
    cm = login("cm-borchen")
    before = _count(app, Case)
    r = client.post(
        f"{API}/cases",
        json={"municipality": "Borchen", "client": {**CLIENT, "birth_date": _days(1)}},
        headers=cm,
    )
    assert r.status_code == 422 and list(r.json["errors"]) == ["client.birth_date"], r.json
    assert _count(app, Case) == before
