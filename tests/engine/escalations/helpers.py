"""Driving topics, meetings and decisions through the API in tests."""

from __future__ import annotations

from engine.clock import today_berlin

API = "/api/v1"
TODAY = today_berlin().isoformat()
LOCAL_ESCALATE = {"decision_date": TODAY, "local_outcome": "escalated", "reason": "Vor Ort nicht lösbar"}
LOCAL_RESOLVED = {
    "decision_date": TODAY,
    "local_outcome": "resolved",
    "reason": "Träger vor Ort zuständig",
    "solution": "Sprechstunde der Kita-Vergabe im Rathaus",
}
PAPER = {
    "prepared_on": TODAY,
    "summary": "Wartelisten in drei Kommunen",
    "proposal": "resolved",
    "reason": "Kreisweite Lösung möglich",
}
FORWARD = {
    "forwarded_on": TODAY,
    "recipient_authority": "Ministerium für Kinder, Jugend, Familie, Gleichstellung, "
    "Flucht und Integration NRW",
    "reference": "KIM-PB-2026-07",
}


def raise_topic(
    client,
    headers,
    *,
    title="Lange Wartezeiten auf Integrationskurse",
    category="language",
    municipality="Borchen",
    case_ids=(),
    description="Mehrere Fälle warten über sechs Monate.",
    expect=201,
):
    r = client.post(
        f"{API}/topics",
        json={
            "title": title,
            "category": category,
            "municipality": municipality,
            "description": description,
            "case_ids": list(case_ids),
        },
        headers=headers,
    )
    assert r.status_code == expect, r.json
    return r.json


def decide(client, headers, topic_id, data, expect=200):
    r = client.post(f"{API}/topics/{topic_id}/decisions", json={"data": data}, headers=headers)
    assert r.status_code == expect, r.json
    return r.json


def body_id(client, headers, kind="steering", municipality=None):
    query = f"?kind={kind}" + (f"&municipality={municipality}" if municipality else "")
    return client.get(f"{API}/bodies{query}", headers=headers).json["items"][0]["id"]


def meeting(client, headers, body, meets_on=TODAY):
    r = client.post(
        f"{API}/meetings",
        json={"body_id": body, "meets_on": meets_on, "location": "Kreishaus"},
        headers=headers,
    )
    assert r.status_code == 201, r.json
    return r.json


def assemble(client, headers, meeting_id):
    r = client.post(f"{API}/meetings/{meeting_id}/agenda", headers=headers)
    assert r.status_code == 200, r.json
    return r.json


def minutes(client, headers, meeting_id, items, expect=200):
    r = client.post(
        f"{API}/meetings/{meeting_id}/minutes", json={"items": items, "note": "Protokoll"}, headers=headers
    )
    assert r.status_code == expect, r.json
    return r.json


def to_steering(client, cm, coord, **kw):
    """A topic raised by ``cm`` and escalated to the Lenkungsgruppe (decision paper done)."""
    topic = raise_topic(client, cm, **kw)
    decide(client, cm, topic["id"], LOCAL_ESCALATE)
    return decide(client, coord, topic["id"], PAPER)
