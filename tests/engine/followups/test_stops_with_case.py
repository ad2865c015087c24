"""A follow-up stops with its case, by the one mechanism for every process (stop_case_instances):
every closure reason, refused consent, withdrawn consent and deletion of the personal data cancel its
open tasks and timers, and time passing afterwards brings nothing back."""

import pytest
from sqlalchemy import select

from engine import clock
from engine.cases.models import Case
from engine.clock import utcnow
from engine.followups.projection import PROCESS_ID
from engine.instances.service import create_instance, start_current
from engine.retention.service import anonymise
from engine.uow import begin
from tests import lifecycle_data as d
from tests.api.helpers import complete, give_consent, open_case, ready
from tests.engine.cases.test_read import actor
from tests.engine.followups.helpers import checkin, fire, start_job, stored, travel

CLOSURE_REASONS = ["goals_met", "referred", "moved_away", "no_contact", "client_request", "other"]


@pytest.fixture(autouse=True)
def _real_clock():
    yield
    clock.reset()


def _running_follow_up(app, client, h, case_id):
    """A follow-up with a check-in done, one open and timers waiting (next check-in, six months)."""
    start_job(client, h, case_id, "2025-01-31", talk_date="2025-01-20")
    travel("2025-02-28")
    fire(app)
    checkin(client, h, case_id, "2025-02-28")
    travel("2025-03-31")
    fire(app)
    held = stored(app, case_id)
    assert ("checkin", "ready") in {(b, s) for b, s, _n, _i in held["tasks"]}
    assert sorted(held["timers"]) == ["wait_followup"]  # the next check-in waits for this one
    return held


def _assert_stopped(app, client, h, case_id):
    held = stored(app, case_id)
    assert set(held["instances"].values()) == {"cancelled"}
    assert [b for b, s, _n, _i in held["tasks"] if s == "ready"] == []
    assert held["timers"] == []
    (row,) = held["rows"]
    assert row.status == "stopped" and (row.checkins_done, row.checkins_fired) == (1, 2)
    assert ready(client, h, case_id) == []
    travel("2025-09-30")  # every date of the follow-up has passed: nothing comes back
    assert fire(app) == []
    assert ready(client, h, case_id) == []


@pytest.mark.parametrize("reason", CLOSURE_REASONS)
def test_every_closure_reason_stops_the_follow_up(app, client, login, reason):
    h = login("cm-borchen")
    travel("2025-01-20")
    case = open_case(client, h)
    give_consent(client, h, case["id"])
    complete(client, h, case["id"], "assessment", d.ASSESS_REFERRAL)
    _running_follow_up(app, client, h, case["id"])
    complete(client, h, case["id"], "referral", d.REFERRAL)
    out = complete(client, h, case["id"], "closure", {"closure_reason": reason, "closure_date": "2025-01-20"})
    assert out["case"]["status"] == "closed" and out["case"]["closure_reason"] == reason
    _assert_stopped(app, client, h, case["id"])


def test_withdrawn_consent_stops_the_follow_up(app, client, login):
    h = login("cm-borchen")
    travel("2025-01-20")
    case = open_case(client, h)
    give_consent(client, h, case["id"])
    _running_follow_up(app, client, h, case["id"])
    r = client.post(f"/api/v1/cases/{case['id']}/consent-withdrawal", headers=h)
    assert r.status_code == 200 and r.json["closure_reason"] == "consent_withdrawn"
    _assert_stopped(app, client, h, case["id"])


def test_deleting_the_personal_data_stops_the_follow_up(app, client, login):
    h = login("cm-borchen")
    travel("2025-01-20")
    case = open_case(client, h)
    give_consent(client, h, case["id"])
    _running_follow_up(app, client, h, case["id"])
    with app.extensions["kim"]["sessions"]() as s:
        begin(s, write=True)
        anonymise(s, s.get_one(Case, case["id"]), reason="retention", now=utcnow())
        s.commit()
    _assert_stopped(app, client, h, case["id"])


def test_refused_consent_stops_a_follow_up_started_before_it(app, client, login):
    """Follow-ups started before consent was required (older data) stop when consent is refused."""
    h = login("cm-borchen")
    travel("2025-01-20")
    case = open_case(client, h)
    with app.extensions["kim"]["sessions"]() as s:
        begin(s, write=True)
        row = s.scalars(select(Case).where(Case.id == case["id"])).one()
        version_id, result = start_current(s, PROCESS_ID, "nicht gestartet", tenant_id=row.tenant_id)
        create_instance(
            s,
            case=row,
            version_id=version_id,
            process_id=PROCESS_ID,
            result=result,
            user=actor(s, "cm-borchen"),
        )
        s.commit()
    _running_follow_up_without_start(app, client, h, case["id"])
    complete(client, h, case["id"], "first_contact", d.not_after_today(d.FIRST_CONTACT))
    out = complete(client, h, case["id"], "consent", d.not_after_today(d.CONSENT_NO))
    assert out["case"]["closure_reason"] == "no_consent"
    _assert_stopped(app, client, h, case["id"])


def _running_follow_up_without_start(app, client, h, case_id):
    """As _running_follow_up, for a follow-up instance that is already there."""
    complete(
        client,
        h,
        case_id,
        "coordination_talk",
        {"talk_date": "2025-01-20", "responsible": "joint", "responsible_person": "Frau Berger"},
    )
    complete(
        client,
        h,
        case_id,
        "job_start",
        {"placement_kind": "job", "employer": "Tischlerei", "start_date": "2025-01-31"},
    )
    travel("2025-02-28")
    fire(app)
    checkin(client, h, case_id, "2025-02-28")
    travel("2025-03-31")
    fire(app)
