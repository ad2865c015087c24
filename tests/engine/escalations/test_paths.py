"""Each path of the escalation process through the API, with the trail of who decided what and why."""

from datetime import timedelta

from engine import clock
from engine.timers.jobs import run_due
from engine.timers.policy import TimerPolicy
from tests.api.helpers import open_case
from tests.engine.escalations.helpers import (
    API,
    FORWARD,
    LOCAL_RESOLVED,
    TODAY,
    assemble,
    body_id,
    decide,
    meeting,
    minutes,
    raise_topic,
    to_steering,
)


def test_resolved_locally_with_solution_and_trail(client, login):
    cm = login("cm-borchen")
    case = open_case(client, cm)
    topic = raise_topic(client, cm, case_ids=[case["id"]])
    assert topic["level"] == "local" and topic["waiting_step"] == "local_decision"
    assert topic["waiting_body"] == "Runder Tisch Integration Borchen"
    assert topic["cases"] == [{"case_id": case["id"], "pseudonym": case["pseudonym"]}]
    done = decide(client, cm, topic["id"], LOCAL_RESOLVED)
    assert (done["status"], done["level"], done["outcome"]) == ("done", "closed", "resolved_local")
    trail = [(e["decision"], e["username"], e["reason"]) for e in done["trail"]]
    assert trail == [("raised", "cm-borchen", None), ("resolved", "cm-borchen", "Träger vor Ort zuständig")]
    assert done["trail"][1]["detail"]["solution"] == LOCAL_RESOLVED["solution"]
    assert done["trail"][1]["decided_on"] == TODAY
    decide(client, cm, topic["id"], LOCAL_RESOLVED, expect=409)


def test_resolved_by_the_lenkungsgruppe_in_its_meeting(client, login):
    cm, coord, steering = login("cm-borchen"), login("coordinator"), login("steering")
    topic = to_steering(client, cm, coord)
    assert (topic["level"], topic["waiting_step"], topic["waiting_body"]) == (
        "steering",
        "steering_decision",
        "Lenkungsgruppe KIM",
    )
    decide(client, cm, topic["id"], {"steering_outcome": "resolved"}, expect=403)  # not the CM's to decide
    m = meeting(client, coord, body_id(client, coord))
    assert [i["topic_id"] for i in m["agenda"]] == [topic["id"]] and not m["agenda_assembled"]
    held = minutes(
        client,
        steering,
        m["id"],
        [
            {
                "topic_id": topic["id"],
                "data": {
                    "steering_outcome": "resolved",
                    "reason": "Kreis übernimmt Koordination",
                    "solution": "Kurs-Börse",
                },
            }
        ],
    )
    assert held["status"] == "held" and held["agenda"][0]["status"] == "decided"
    out = client.get(f"{API}/topics/{topic['id']}", headers=coord).json
    assert out["outcome"] == "resolved_steering"
    last = out["trail"][-1]
    assert (last["decision"], last["username"], last["meeting_id"], last["decided_on"], last["body"]) == (
        "resolved",
        "steering",
        m["id"],
        TODAY,
        "Lenkungsgruppe KIM",
    )


def test_working_group_reports_back_and_the_lenkungsgruppe_is_informed(client, login):
    cm, coord = login("cm-delbrueck"), login("coordinator")
    topic = to_steering(client, cm, coord, municipality="Delbrück", category="work")
    m = meeting(client, coord, body_id(client, coord))
    minutes(
        client,
        coord,
        m["id"],
        [
            {
                "topic_id": topic["id"],
                "data": {
                    "steering_outcome": "working_group",
                    "reason": "Sprache und Arbeit gemeinsam angehen",
                    "working_group_name": "AG Sprache und Arbeit",
                    "working_group_field": "work",
                    "mandate": "Berufsbezogene Sprachkurse mit Betrieben planen",
                },
            }
        ],
    )
    t = client.get(f"{API}/topics/{topic['id']}", headers=coord).json
    assert (t["level"], t["waiting_step"], t["working_group"], t["waiting_body"]) == (
        "working_group",
        "working_group_result",
        "AG Sprache und Arbeit",
        "AG Sprache und Arbeit",
    )
    wg = list(client.get(f"{API}/bodies?kind=working_group", headers=coord).json["items"])
    assert [(b["name"], b["field"]) for b in wg] == [("AG Sprache und Arbeit", "work")]
    wg_meeting = meeting(client, coord, wg[0]["id"])
    minutes(
        client,
        coord,
        wg_meeting["id"],
        [
            {
                "topic_id": topic["id"],
                "data": {"result": "Kooperation mit drei Betrieben und der VHS vereinbart"},
            }
        ],
    )
    t = client.get(f"{API}/topics/{topic['id']}", headers=coord).json
    assert (t["waiting_step"], t["waiting_body"]) == ("steering_informed", "Lenkungsgruppe KIM")
    next_meeting = assemble(client, coord, meeting(client, coord, body_id(client, coord))["id"])
    assert [(i["topic_id"], i["kind"]) for i in next_meeting["agenda"]] == [(topic["id"], "information")]
    minutes(client, login("steering"), next_meeting["id"], [{"topic_id": topic["id"], "data": {}}])
    t = client.get(f"{API}/topics/{topic['id']}", headers=coord).json
    assert t["outcome"] == "resolved_working_group"
    assert [e["decision"] for e in t["trail"]] == [
        "raised",
        "escalated",
        "decision_paper",
        "working_group",
        "reported",
        "on_agenda",
        "informed",
    ]


def _to_state(client, cm, coord, answer_within=None):
    topic = to_steering(client, cm, coord, category="residence")
    decide(
        client,
        coord,
        topic["id"],
        {"steering_outcome": "forward_state", "reason": "Landesrecht", "decision_date": TODAY},
    )
    return decide(
        client, coord, topic["id"], {**FORWARD, **({"answer_within": answer_within} if answer_within else {})}
    )


def test_forwarded_to_the_state_and_answered(client, login):
    cm, coord = login("cm-borchen"), login("coordinator")
    t = _to_state(client, cm, coord)
    assert (t["level"], t["waiting_step"], t["recipient_authority"]) == (
        "state",
        "state_answer",
        FORWARD["recipient_authority"],
    )
    assert t["state_reference"] == "KIM-PB-2026-07" and t["forwarded_on"] == TODAY
    due = clock.utcnow() + timedelta(weeks=6)  # the default KIM_ESCALATION_REMINDER (P6W)
    assert abs((clock.utcnow().fromisoformat(t["reminder_due_at"]) - due).total_seconds()) < 60
    done = decide(client, coord, t["id"], {"answered_on": TODAY, "answer": "Erlass wird 2027 angepasst"})
    assert (done["outcome"], done["answered_on"], done["reminder_due_at"]) == ("answered_state", TODAY, None)
    assert [e["decision"] for e in done["trail"]][-3:] == ["forward_state", "forwarded", "answered"]


def test_reminder_fires_when_the_state_does_not_answer(app, client, login):
    cm, coord = login("cm-borchen"), login("coordinator")
    t = _to_state(client, cm, coord, answer_within="P2W")
    assert client.get(f"{API}/topics/overdue", headers=coord).json["total"] == 0
    factory = app.extensions["kim"]["sessions"]
    try:
        clock.advance(timedelta(days=13))
        assert run_due(factory, owner="test", policy=TimerPolicy()) == []
        clock.advance(timedelta(days=2))
        assert [o.status for o in run_due(factory, owner="test", policy=TimerPolicy())] == ["fired"]
        coord = login("coordinator")  # the earlier token expired on the way
        t = client.get(f"{API}/topics/{t['id']}", headers=coord).json
        assert (t["waiting_step"], t["reminders"], t["overdue"]) == ("state_reminder", 1, True)
        assert t["trail"][-1]["decision"] == "reminder_due" and t["trail"][-1]["username"] is None
        assert [o["id"] for o in client.get(f"{API}/topics/overdue", headers=coord).json["items"]] == [
            t["id"]
        ]
        t = decide(
            client, coord, t["id"], {"reminded_on": clock.today_berlin().isoformat(), "note": "Telefonisch"}
        )
        assert (
            t["waiting_step"] == "state_answer" and t["reminder_due_at"] is not None
        )  # waiting again, new period
        done = decide(
            client, coord, t["id"], {"answered_on": clock.today_berlin().isoformat(), "answer": "Antwort"}
        )
        assert done["outcome"] == "answered_state"
    finally:
        clock.reset()
