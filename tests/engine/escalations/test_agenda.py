"""Agendas are assembled from the topics waiting for the body; minutes decide or defer them."""

from datetime import timedelta

from engine.clock import today_berlin
from tests.engine.escalations.helpers import (
    API,
    LOCAL_ESCALATE,
    TODAY,
    assemble,
    body_id,
    decide,
    meeting,
    minutes,
    raise_topic,
    to_steering,
)


def test_agenda_holds_exactly_the_topics_waiting_for_the_body(client, login):
    cm, cm_d, coord = login("cm-borchen"), login("cm-delbrueck"), login("coordinator")
    first = to_steering(client, cm, coord, title="Kita-Plätze fehlen kreisweit")
    second = to_steering(
        client, cm_d, coord, municipality="Delbrück", title="Sprachkurse mit Kinderbetreuung"
    )
    local = raise_topic(client, cm, title="Sprechzeiten im Rathaus")  # waits for the Borchen round table
    paper = raise_topic(client, cm_d, municipality="Delbrück", title="Busverbindung zum Sprachkurs")
    decide(client, cm_d, paper["id"], LOCAL_ESCALATE)  # waits for the decision paper, not yet for the meeting
    steering = body_id(client, coord)
    later = (today_berlin() + timedelta(days=60)).isoformat()
    m1 = assemble(client, coord, meeting(client, coord, steering, meets_on=later)["id"])
    assert [(i["topic_id"], i["position"], i["status"], i["kind"]) for i in m1["agenda"]] == [
        (first["id"], 1, "open", "decision"),
        (second["id"], 2, "open", "decision"),
    ]
    # Already on the agenda of a planned meeting: not put on a second one.
    m2 = assemble(client, coord, meeting(client, coord, steering, meets_on=later)["id"])
    assert m2["agenda"] == []
    # The Borchen round table's meeting sees only the Borchen topic.
    rt = client.get(
        f"{API}/meetings/{meeting(client, coord, body_id(client, coord, 'local', 'borchen'))['id']}",
        headers=coord,
    ).json
    assert [i["topic_id"] for i in rt["agenda"]] == [local["id"]] and not rt["agenda_assembled"]
    # Assembling again picks up a topic that started waiting in the meantime, at the end.
    decide(
        client,
        coord,
        paper["id"],
        {
            "prepared_on": today_berlin().isoformat(),
            "summary": "Sachstand",
            "proposal": "resolved",
            "reason": "Kreis zuständig",
        },
    )
    m1 = assemble(client, coord, m1["id"])
    assert [i["topic_id"] for i in m1["agenda"]] == [first["id"], second["id"], paper["id"]]
    assert (
        client.get(f"{API}/topics/{first['id']}", headers=coord).json["trail"][-1]["decision"] == "on_agenda"
    )
    # Minutes before the meeting took place: refused.
    minutes(client, coord, m1["id"], [], expect=409)


def test_minutes_decide_defer_and_carry_over_to_the_next_meeting(client, login):
    cm, coord = login("cm-borchen"), login("coordinator")
    a = to_steering(client, cm, coord, title="Thema A")
    b = to_steering(client, cm, coord, title="Thema B")
    c = to_steering(client, cm, coord, title="Thema C")
    steering = body_id(client, coord)
    m = assemble(client, coord, meeting(client, coord, steering)["id"])
    held = minutes(
        client,
        coord,
        m["id"],
        [
            {
                "topic_id": a["id"],
                "data": {"steering_outcome": "resolved", "reason": "geklärt", "solution": "Erlass"},
            },
            {"topic_id": b["id"], "deferred": True, "reason": "Stellungnahme des Jobcenters abwarten"},
        ],
    )
    assert [(i["topic_id"], i["status"]) for i in held["agenda"]] == [
        (a["id"], "decided"),
        (b["id"], "deferred"),
        (c["id"], "deferred"),
    ]
    trail_b = client.get(f"{API}/topics/{b['id']}", headers=coord).json["trail"]
    assert (trail_b[-1]["decision"], trail_b[-1]["reason"]) == (
        "deferred",
        "Stellungnahme des Jobcenters abwarten",
    )
    minutes(client, coord, m["id"], [], expect=409)  # minutes are recorded once
    nxt = assemble(client, coord, meeting(client, coord, steering)["id"])
    assert [i["topic_id"] for i in nxt["agenda"]] == [b["id"], c["id"]]
    # A decision for a topic that does not wait for this body, or invalid form data: nothing is saved.
    local = raise_topic(client, cm, title="Örtliches Thema")
    minutes(client, coord, nxt["id"], [{"topic_id": local["id"], "data": {}}], expect=409)
    r = minutes(
        client,
        coord,
        nxt["id"],
        [{"topic_id": b["id"], "data": {"steering_outcome": "vielleicht"}}],
        expect=422,
    )
    assert "steering_outcome" in str(r["errors"])
    assert client.get(f"{API}/meetings/{nxt['id']}", headers=coord).json["status"] == "planned"


def test_working_group_is_assigned_when_it_exists(client, login):
    cm, coord = login("cm-borchen"), login("coordinator")
    r = client.post(
        f"{API}/bodies",
        json={"kind": "working_group", "name": "AG Gesundheit", "field": "health"},
        headers=coord,
    )
    assert r.status_code == 201, r.json
    topic = to_steering(client, cm, coord, category="health")
    bad = decide(
        client,
        coord,
        topic["id"],
        {
            "steering_outcome": "working_group",
            "reason": "AG",
            "decision_date": TODAY,
            "mandate": "Bitte prüfen",
            "working_group_id": 999999,
        },
        expect=422,
    )
    assert "working_group_id" in bad["errors"]
    out = decide(
        client,
        coord,
        topic["id"],
        {
            "steering_outcome": "working_group",
            "reason": "AG vorhanden",
            "decision_date": TODAY,
            "mandate": "Bitte prüfen",
            "working_group_id": r.json["id"],
        },
    )
    assert out["working_group"] == "AG Gesundheit" and out["waiting_body"] == "AG Gesundheit"


def test_a_new_local_body_takes_over_topics_that_waited_for_none(client, login):
    coord = login("coordinator")
    topic = raise_topic(client, coord, municipality="Bad Wünnenberg", title="Keine Beratung vor Ort")
    assert topic["waiting_body"] is None
    r = client.post(
        f"{API}/bodies",
        json={"kind": "local", "name": "Runder Tisch Bad Wünnenberg", "municipality": "bad-wuennenberg"},
        headers=coord,
    )
    assert r.status_code == 201, r.json
    m = meeting(client, coord, r.json["id"])
    assert [i["topic_id"] for i in m["agenda"]] == [topic["id"]]
    assert (
        client.post(
            f"{API}/bodies",
            json={"kind": "local", "name": "Runder Tisch Bad Wünnenberg", "municipality": "bad-wuennenberg"},
            headers=coord,
        ).status_code
        == 409
    )


def test_minutes_record_who_attended_and_name_the_refused_item(client, login):
    cm, coord = login("cm-borchen"), login("coordinator")
    first = to_steering(client, cm, coord, title="Kita-Plätze fehlen kreisweit")
    second = to_steering(client, cm, coord, title="Sprachkurse mit Kinderbetreuung")
    steering = body_id(client, coord)
    seats = client.get(f"{API}/bodies/{steering}", headers=coord).json["members"]
    m = assemble(client, coord, meeting(client, coord, steering)["id"])
    items = [
        {"topic_id": first["id"], "deferred": True, "reason": "Unterlagen fehlen"},
        {"topic_id": second["id"], "data": {"steering_outcome": "forward_state"}},
    ]
    r = client.post(f"{API}/meetings/{m['id']}/minutes", json={"items": items}, headers=coord)
    assert r.status_code == 422 and list(r.json["errors"]) == ["items.1.data.reason"]
    assert r.json["detail"].startswith(second["number"])
    planned = client.get(f"{API}/meetings/{m['id']}", headers=coord).json
    assert planned["status"] == "planned" and planned["attendance"] is None
    items[1]["data"]["reason"] = "Landesrecht"
    ids = [s["id"] for s in seats]
    held = client.post(
        f"{API}/meetings/{m['id']}/minutes",
        json={"items": items, "attendance": {"present": ids[:1], "guests": "Jobcenter"}},
        headers=coord,
    )
    assert held.status_code == 200, held.json
    attendance = held.json["attendance"]
    assert attendance["guests"] == "Jobcenter"
    assert [s["function"] for s in attendance["members"]] == [s["function"] for s in seats]
    assert [s["present"] for s in attendance["members"]] == [True] + [False] * (len(seats) - 1)
