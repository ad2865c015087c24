"""The agencies' workspace over the API: accept, ask back (the case manager replies), answer with a
check result, decline with a reason; bad input, a second answer, scope (another agency 404 byte-identical
to a missing id, other roles 403), the audit trail and the per-agency reminder period."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import clock
from engine.audit.models import AuditEntry
from engine.consents.models import Referral
from tests.api.helpers import complete, ready
from tests.engine.followups.helpers import travel
from tests.engine.referrals.helpers import API, family_case, send, stored

MISSING = 999_999


@pytest.fixture(autouse=True)
def _on_the_twentieth():
    travel("2026-11-20")
    yield
    clock.reset()


def _post(client, h, referral_id, action, body, expect=200):
    r = client.post(f"{API}/referrals/{referral_id}/{action}", headers=h, json=body)
    assert r.status_code == expect, r.json
    return r.json


def _audit(app, case_id) -> list[str]:
    with app.extensions["kim"]["sessions"]() as s:
        return list(
            s.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id))
        )


def _tasks(client, h, case_id, bpmn_id):
    return [t for t in ready(client, h, case_id) if t["bpmn_id"] == bpmn_id]


def test_the_agency_accepts_asks_back_hears_the_reply_and_answers_with_a_check_result(app, client, login):
    cm = login("cm-borchen")
    case, m = family_case(app, client, cm)
    ref = send(client, cm, case["id"], "foreigners_authority", [m["Karim"]], "residence")
    abh = login("abh")

    inbox = client.get(f"{API}/referrals/inbox", headers=abh).json
    assert inbox["agency_name"] == "Ausländerbehörde Kreis Paderborn"
    (row,) = [r for r in inbox["rows"] if r["id"] == ref["id"]]
    assert row["client_name"] == "Karim Haddad" and row["status"] == "sent" and row["due_on"] == "2026-12-04"
    assert client.get(f"{API}/referrals/inbox", headers=login("abh-stadt")).json["rows"] == []

    page = _post(client, abh, ref["id"], "accept", {"text": "Termin folgt."})
    assert page["status"] == "in_progress" and page["can_ask"] and not page["can_accept"]
    page = _post(client, abh, ref["id"], "questions", {"text": "Bitte das Schulzeugnis nachreichen."}, 201)
    assert page["status"] == "question" and page["status_label"] == "Rückfrage offen"
    assert page["dialogue"] == [
        {
            "question": "Bitte das Schulzeugnis nachreichen.",
            "asked_at": page["dialogue"][0]["asked_at"],
            "reply": None,
            "replied_at": None,
        }
    ]
    r = _post(client, abh, ref["id"], "questions", {"text": "Noch eine?"}, 409)
    assert r["type"].endswith("/referral-not-waiting")

    (task,) = _tasks(client, cm, case["id"], "answer_question")
    assert task["name"] == "Rückfrage beantworten" and task["role"] == "case_manager"
    (item,) = client.get(f"{API}/cases/{case['id']}/referrals", headers=cm).json["items"]
    assert item["dialogue"][0]["question"] == "Bitte das Schulzeugnis nachreichen."
    complete(client, cm, case["id"], "answer_question", {"reply": "Das Zeugnis kommt bis Freitag."})

    page = client.get(f"{API}/referrals/{ref['id']}/agency", headers=abh).json
    assert (
        page["status"] == "in_progress" and page["dialogue"][0]["reply"] == "Das Zeugnis kommt bis Freitag."
    )
    assert page["due_on"] == "2026-12-04" and page["members"] == ["Karim Haddad"]

    page = _post(
        client,
        abh,
        ref["id"],
        "answer",
        {"result": "§25a: Schulbesuch fehlt noch (ab 08/2027).", "check_result": "not_yet_met"},
    )
    assert page["status"] == "answered" and page["check_result_label"] == "Voraussetzungen noch nicht erfüllt"
    assert not (page["can_accept"] or page["can_ask"] or page["can_answer"])
    (review,) = _tasks(client, cm, case["id"], "review_answer")
    assert review["name"] == "Rückmeldung ansehen"
    (item,) = client.get(f"{API}/cases/{case['id']}/referrals", headers=cm).json["items"]
    assert (
        item["answer_text"] == "§25a: Schulbesuch fehlt noch (ab 08/2027)."
        and item["check_result"] == "not_yet_met"
    )

    # Answer twice: 409, nothing changes.
    r = _post(client, abh, ref["id"], "answer", {"result": "Doch erfüllt.", "check_result": "met"}, 409)
    assert r["type"].endswith("/referral-closed")
    r = _post(client, abh, ref["id"], "decline", {"reason": "other"}, 409)
    assert stored(app, case["id"])["rows"][0].check_result == "not_yet_met"

    actions = _audit(app, case["id"])
    for action in (
        "referral.list",
        "referral.accept",
        "referral.question",
        "referral.read",
        "referral.answer",
    ):
        assert action in actions, action


def test_bad_input_is_a_german_422_on_its_field_with_nothing_sent(app, client, login):
    cm = login("cm-borchen")
    case, m = family_case(app, client, cm)
    ref = send(client, cm, case["id"], "foreigners_authority", [m["Karim"]], "residence")
    abh = login("abh")
    r = _post(client, abh, ref["id"], "answer", {"check_result": "met"}, 422)
    assert list(r["errors"]) == ["result"] and r["errors"]["result"] == [
        "Bitte das Ergebnis der Verweisung angeben."
    ]
    r = _post(client, abh, ref["id"], "answer", {"result": "   "}, 422)
    assert list(r["errors"]) == ["result"]
    r = _post(client, abh, ref["id"], "answer", {"result": "Erledigt.", "check_result": "maybe"}, 422)
    assert list(r["errors"]) == ["check_result"] and "Prüfergebnis" in r["errors"]["check_result"][0]
    r = _post(client, abh, ref["id"], "decline", {"text": "Nicht wir."}, 422)
    assert list(r["errors"]) == ["reason"] and "Grund" in r["errors"]["reason"][0]
    r = _post(client, abh, ref["id"], "decline", {"reason": "bored"}, 422)
    assert list(r["errors"]) == ["reason"]
    r = _post(client, abh, ref["id"], "questions", {}, 422)
    assert list(r["errors"]) == ["text"] and r["errors"]["text"] == ["Bitte die Rückfrage angeben."]
    r = _post(client, abh, ref["id"], "answer", {"result": "x" * 2001}, 422)
    assert "result" in r["errors"]
    r = _post(client, abh, ref["id"], "decline", {"reason": 7}, 422)
    assert "reason" in r["errors"]
    row = stored(app, case["id"])["rows"][0]
    assert row.status == "sent" and row.answered_at is None and row.dialogue is None
    assert _tasks(client, cm, case["id"], "review_answer") == []


def test_decline_with_a_reason_becomes_the_case_managers_task(app, client, login):
    cm = login("cm-borchen")
    case, m = family_case(app, client, cm)
    ref = send(client, cm, case["id"], "jobcenter", [m["Lina"]], "work_training")
    page = _post(
        client, login("jobcenter"), ref["id"], "decline", {"reason": "not_responsible", "text": "SGB III"}
    )
    assert page["status"] == "declined" and page["decline_reason_label"] == "Nicht zuständig"
    (item,) = client.get(f"{API}/cases/{case['id']}/referrals", headers=cm).json["items"]
    assert item["status_label"] == "abgelehnt" and item["decline_reason_label"] == "Nicht zuständig"
    assert [t["name"] for t in _tasks(client, cm, case["id"], "review_answer")] == ["Rückmeldung ansehen"]
    assert "referral.decline" in _audit(app, case["id"])


def test_scope_another_agency_sees_what_a_missing_id_shows_and_other_roles_are_refused(app, client, login):
    cm = login("cm-borchen")
    case, m = family_case(app, client, cm)
    ref = send(client, cm, case["id"], "foreigners_authority", [m["Karim"]], "residence")
    for username in ("abh-stadt", "jobcenter", "ebh"):
        h = login(username)
        for method, action, body in [
            ("GET", "agency", None),
            ("POST", "accept", {}),
            ("POST", "questions", {"text": "?"}),
            ("POST", "answer", {"result": "Ja."}),
            ("POST", "decline", {"reason": "other"}),
        ]:
            theirs = client.open(f"{API}/referrals/{ref['id']}/{action}", method=method, headers=h, json=body)
            missing = client.open(f"{API}/referrals/{MISSING}/{action}", method=method, headers=h, json=body)
            assert theirs.status_code == missing.status_code == 404, (username, action)
            assert theirs.get_data() == missing.get_data(), (username, action)
        assert ref["id"] not in [
            r["id"] for r in client.get(f"{API}/referrals/inbox", headers=h).json["rows"]
        ]
    for username in ("cm-borchen", "coordinator", "steering", "dpo", "admin", "process-owner"):
        h = login(username)
        assert client.get(f"{API}/referrals/inbox", headers=h).status_code == 403, username
        assert _post(client, h, ref["id"], "answer", {"result": "Ja."}, 403)
    assert stored(app, case["id"])["rows"][0].status == "sent"


def test_filters_sorting_and_the_agencys_own_reminder_period(app, client, login):
    cm = login("cm-borchen")
    case, m = family_case(app, client, cm)
    r = client.post(
        f"{API}/cases/{case['id']}/consents",
        headers=cm,
        json={"agency": "naturalisation_authority", "given_on": "2026-11-09", "member_ids": [m["Karim"]]},
    )
    assert r.status_code == 201, r.json
    ebh = send(client, cm, case["id"], "naturalisation_authority", [m["Karim"]], "residence")
    assert (
        ebh["due_on"] == "2026-12-11" and ebh["agency_name"] == "Einbürgerungsbehörde Kreis Paderborn"
    )  # 21 days
    city = send(client, cm, case["id"], "foreigners_authority_city", [m["Lina"]], "residence")
    assert city["due_on"] == "2026-12-04" and city["agency_name"] == "Ausländerbehörde Stadt Paderborn"
    first = send(client, cm, case["id"], "foreigners_authority", [m["Karim"]], "residence")
    travel("2026-11-22")
    abh = login("abh")
    second = send(
        client,
        login("cm-borchen"),
        case["id"],
        "foreigners_authority",
        [m["Lina"]],
        "residence",
        referral_date="2026-11-22",
    )
    _post(client, abh, first["id"], "accept", {})  # a new period from today: due on 6 December
    travel("2026-12-05")
    abh = login("abh")

    def ids(query: str) -> list[int]:
        r = client.get(f"{API}/referrals/inbox?{query}", headers=abh)
        assert r.status_code == 200, r.json
        return [row["id"] for row in r.json["rows"]]

    assert ids("sort=due") == [first["id"], second["id"]]  # due 6 Dec, then 6 Dec (sent later)
    assert ids("sort=sent") == [second["id"], first["id"]]
    assert ids("status=in_progress") == [first["id"]] and ids("status=sent") == [second["id"]]
    assert ids("overdue=true") == []
    travel("2026-12-07")
    abh = login("abh")
    assert set(ids("overdue=true")) == {first["id"], second["id"]}
    (row,) = [
        r for r in client.get(f"{API}/referrals/inbox", headers=abh).json["rows"] if r["id"] == first["id"]
    ]
    assert row["overdue"]
    r = client.get(f"{API}/referrals/inbox?status=lost", headers=abh)
    assert r.status_code == 422 and "status" in r.json["errors"]
    r = client.get(f"{API}/referrals/inbox", headers=login("abh-stadt"))
    assert [row["id"] for row in r.json["rows"]] == [city["id"]]
    with app.extensions["kim"]["sessions"]() as s:
        assert s.get(Referral, city["id"]).agency == "foreigners_authority_city"
