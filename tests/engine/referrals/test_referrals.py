"""Several referrals per case, each its own process: statuses, the reminder, answers, the consent gate
per member, and the referral-only case that closes after its referrals."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine import clock
from engine.access.actor import Actor
from engine.access.models import User
from engine.consents.models import Referral
from engine.errors import Conflict, NotFound
from engine.org.models import Tenant
from engine.referrals.service import deliver_answer
from engine.tasks.models import TaskRecord
from engine.uow import begin
from tests import lifecycle_data as d
from tests.api.helpers import complete, ready
from tests.engine.followups.helpers import fire, travel

from .helpers import API, family_case, send, stored


@pytest.fixture(autouse=True)
def _on_the_twentieth():
    travel("2026-11-20")
    yield
    clock.reset()


def _actor(session, username: str) -> Actor:
    u = session.scalars(select(User).where(User.username == username)).one()
    return Actor(u.id, u.username, u.role, u.tenant_id, u.municipality_id, u.team_id, agency=u.agency)


def _answer(app, referral_id: int, status: str, text: str = "", username: str = "cm-borchen"):
    with app.extensions["kim"]["sessions"]() as s:
        begin(s, write=True)
        deliver_answer(s, referral_id, status, text, _actor(s, username))
        s.commit()


def _follow_ups(client, h, case_id):
    """The case's open "Verweisung nachhalten" tasks (the lifecycle's own tasks left aside)."""
    return [t for t in ready(client, h, case_id) if t["bpmn_id"] == "follow_up"]


def _items(client, h, case_id):
    r = client.get(f"{API}/cases/{case_id}/referrals", headers=h)
    assert r.status_code == 200, r.json
    return r.json["items"]


def test_four_referrals_to_four_agencies_for_different_members(app, client, login):
    h = login("cm-borchen")
    case, m = family_case(app, client, h)
    sent = [
        send(client, h, case["id"], "foreigners_authority", [m["Karim"]], "residence"),
        send(client, h, case["id"], "jobcenter", [m["Karim"]], "work_training"),
        send(client, h, case["id"], "youth_office", [m["Samir"], m["Nour"]], "education"),
        send(client, h, case["id"], "health_services", [m["Lina"]], "health"),
    ]
    assert [r["status"] for r in sent] == ["sent"] * 4 and all(r["open"] for r in sent)
    assert {r["status_label"] for r in sent} == {"gesendet"}
    assert sent[2]["members"] == [
        {"id": m["Samir"], "name": "Samir Haddad"},
        {"id": m["Nour"], "name": "Nour Haddad"},
    ]
    assert sent[0]["agency_name"] == "Ausländerbehörde Kreis Paderborn"  # the tenant's agency (its seed)
    assert sent[3]["need_label"] == "Gesundheit"
    assert all(r["due_on"] == "2026-12-04" for r in sent)  # 14 days after they were sent

    db = stored(app, case["id"])
    assert len(db["rows"]) == 4 and len(db["instances"]) == 4
    assert {r.instance_id for r in db["rows"]} == set(db["instances"])
    assert len(db["timers"]) == 4 and db["rows"][3].reason == "Verweisung wegen health"

    # The coordinator sees the referrals pseudonymised: no member names, no reason, no answer text.
    seen = _items(client, login("coordinator"), case["id"])
    assert [i["agency"] for i in seen] == [
        "foreigners_authority",
        "jobcenter",
        "youth_office",
        "health_services",
    ]
    assert all(i["members"] is None and i["reason"] is None and i["answer_text"] is None for i in seen)
    assert "Samir" not in str(seen) and "Lina" not in str(seen)

    # Figures: one referral per referral process.
    figures = client.get(f"{API}/reports/figures?school_year=2026/27", headers=login("coordinator")).json
    assert figures["totals"]["referrals"] == 4
    assert figures["totals"]["referrals_by_agency"]["youth_office"] is None  # 1: a small count, hidden


def test_reminder_after_14_days_raises_a_task_and_sets_no_answer_then_the_answer_comes(app, client, login):
    h = login("cm-borchen")
    case, m = family_case(app, client, h)
    ref = send(client, h, case["id"], "jobcenter", [m["Karim"]], "work_training")
    travel("2026-12-04", hour=8)  # 14 days less an hour: nothing yet
    h = login("cm-borchen")  # a new day: a fresh token
    fire(app)
    assert _items(client, h, case["id"])[0]["status"] == "sent"
    assert _follow_ups(client, h, case["id"]) == []
    travel("2026-12-04", hour=10)
    h = login("cm-borchen")  # a new day: a fresh token
    fire(app)
    (item,) = _items(client, h, case["id"])
    assert (
        item["status"] == "no_answer" and item["status_label"] == "keine Antwort" and item["due_on"] is None
    )
    (task,) = _follow_ups(client, h, case["id"])
    assert task["name"] == "Verweisung nachhalten" and task["role"] == "case_manager"

    # The answer arrives while the case manager follows up: the task is cancelled, the referral answered.
    _answer(app, ref["id"], "answered", "Termin am 10.12. beim Jobcenter.")
    (item,) = _items(client, h, case["id"])
    assert item["status"] == "answered" and item["answer_text"] == "Termin am 10.12. beim Jobcenter."
    assert item["answered_at"] is not None and not item["open"]
    assert _follow_ups(client, h, case["id"]) == []
    # The answer becomes the case manager's task "Rückmeldung ansehen"; the referral ends when she saw it.
    (review,) = [t for t in ready(client, h, case["id"]) if t["bpmn_id"] == "review_answer"]
    assert review["name"] == "Rückmeldung ansehen" and review["role"] == "case_manager"
    assert list(stored(app, case["id"])["instances"].values()) == ["running"]
    complete(client, h, case["id"], "review_answer", {"review_notes": "Termin notiert."})
    db = stored(app, case["id"])
    assert list(db["instances"].values()) == ["completed"]
    with app.extensions["kim"]["sessions"]() as s:
        assert s.scalar(select(TaskRecord.status).where(TaskRecord.bpmn_id == "follow_up")) == "cancelled"
    with pytest.raises(Conflict) as exc:
        _answer(app, ref["id"], "declined")
    assert exc.value.kind == "referral-closed"


def test_an_answer_cancels_the_reminder_and_an_interim_answer_waits_again(app, client, login):
    h = login("cm-borchen")
    case, m = family_case(app, client, h)
    ref = send(client, h, case["id"], "foreigners_authority", [m["Karim"]], "residence")
    travel("2026-11-25")
    h = login("cm-borchen")  # a new day: a fresh token
    _answer(app, ref["id"], "received", "Eingang bestätigt.")
    (item,) = _items(client, h, case["id"])
    assert item["status"] == "received" and item["due_on"] == "2026-12-09" and item["open"]
    with pytest.raises(NotFound):  # another agency's staff: no such referral for them
        _answer(app, ref["id"], "answered", "Nicht unsere.", username="jobcenter")
    _answer(app, ref["id"], "answered", "Beschäftigungserlaubnis kann beantragt werden.", username="abh")
    (item,) = _items(client, h, case["id"])
    assert item["status"] == "answered" and item["due_on"] is None
    assert [t for t in stored(app, case["id"])["timers"] if t.status == "waiting"] == []
    travel("2026-12-20")
    h = login("cm-borchen")  # a new day: a fresh token
    fire(app)  # the reminder was cancelled: nothing fires, no task
    assert (
        _follow_ups(client, h, case["id"]) == [] and _items(client, h, case["id"])[0]["status"] == "answered"
    )


def test_a_member_without_a_release_is_refused_with_nothing_saved(app, client, login):
    h = login("cm-borchen")
    case, m = family_case(app, client, h)
    r = send(client, h, case["id"], "school", [m["Samir"]], "education", expect=422)
    assert r["type"].endswith("/consent-missing") and "Schweigepflichtentbindung" in r["detail"]
    assert list(r["errors"]) == ["member_ids"] and "Samir Haddad" in r["errors"]["member_ids"][0]
    for member_ids in ([9999], [m["Samir"], m["Samir"]], []):
        r = send(client, h, case["id"], "jobcenter", member_ids, "education", expect=422)
        assert "member_ids" in r["errors"], r
    r = send(client, h, case["id"], "jobcenter", [m["Karim"]], "flying", expect=422)
    assert list(r["errors"]) == ["need"]
    r = send(
        client, h, case["id"], "jobcenter", [m["Karim"]], "housing", expect=422, referral_date="2026-12-01"
    )
    assert list(r["errors"]) == ["referral_date"] and "Zukunft" in r["errors"]["referral_date"][0]
    r = send(
        client,
        h,
        case["id"],
        "youth_office",
        [m["Nour"]],
        "childcare",
        expect=422,
        referral_date="2026-11-05",
    )
    assert list(r["errors"]) == ["referral_date"]  # before the release towards the youth office
    db = stored(app, case["id"])
    assert db["rows"] == [] and db["instances"] == {} and db["timers"] == []
    # Only the case manager sends; others in scope are refused, out of scope 404.
    assert send(client, login("coordinator"), case["id"], "jobcenter", [m["Karim"]], "housing", expect=403)
    assert send(client, login("cm-delbrueck"), case["id"], "jobcenter", [m["Karim"]], "housing", expect=404)


def test_a_referral_only_case_closes_after_its_referrals(app, client, login):
    h = login("cm-borchen")
    case, m = family_case(app, client, h, route=d.ASSESS_REFERRAL)
    assert [t["bpmn_id"] for t in ready(client, h, case["id"])] == ["referral"]
    (task,) = ready(client, h, case["id"])
    assert task["name"] == "Verweisungen abschließen"
    r = complete(client, h, case["id"], "referral", {}, expect=422)  # nothing sent yet
    assert list(r["errors"]) == ["agency"]
    send(client, h, case["id"], "foreigners_authority", [m["Karim"]], "residence")
    send(client, h, case["id"], "youth_office", [m["Samir"], m["Nour"]], "education")
    complete(client, h, case["id"], "referral", {"notes": "Beide Verweisungen gesendet."})
    complete(client, h, case["id"], "closure", {**d.CLOSURE_REFERRED, "closure_date": "2026-11-20"})
    detail = client.get(f"{API}/cases/{case['id']}", headers=h).json
    assert detail["status"] == "closed" and detail["closure_reason"] == "referred"
    db = stored(app, case["id"])
    assert set(db["instances"].values()) == {"cancelled"}  # stopped with the case
    assert [r.due_on for r in db["rows"]] == [None, None] and [r.status for r in db["rows"]] == [
        "sent",
        "sent",
    ]
    assert send(client, h, case["id"], "jobcenter", [m["Karim"]], "housing", expect=409)["type"].endswith(
        "/case-closed"
    )
    figures = client.get(f"{API}/reports/figures?school_year=2026/27", headers=login("coordinator")).json
    assert figures["totals"]["referrals"] is None  # 2 referrals (the closing step counts none): hidden


def test_referrals_beside_an_accompaniment_and_the_tenant_period(app, client, login):
    h = login("cm-borchen")
    case, m = family_case(app, client, h)
    complete(client, h, case["id"], "goal_agreement", d.GOALS)
    with app.extensions["kim"]["sessions"]() as s:
        begin(s, write=True)
        for tenant in s.scalars(select(Tenant)):
            tenant.referral_reminder_days = 7
        s.commit()
    ref = send(client, h, case["id"], "jobcenter", [m["Lina"]], "work_training")
    assert ref["due_on"] == "2026-11-27"
    assert {t["bpmn_id"] for t in ready(client, h, case["id"])} == {"evaluation"}
    with app.extensions["kim"]["sessions"]() as s:
        row = s.get(Referral, ref["id"])
        assert row is not None and row.referred_on == date(2026, 11, 20) and row.member_ids == [m["Lina"]]
