"""The escalation path and the meetings in the browser's pages (Flask test client): raising a topic,
deciding each step on the topic page with German errors next to the fields and a confirmation before a
decision that closes the topic, planning a meeting, its agenda and order, the minutes and their PDF; a
case manager is refused the coordinators' actions, and nothing refused is half-saved."""

from __future__ import annotations

import re

from engine.clock import today_berlin
from tests.engine.escalations.helpers import (
    API,
    FORWARD,
    LOCAL_ESCALATE,
    PAPER,
    body_id,
    decide,
    raise_topic,
    to_steering,
)

from .helpers import csrf_from, submit_login, web_login


def _today() -> str:
    return today_berlin().isoformat()  # read when used: a run may pass midnight in Berlin


def _topic(client, headers, topic_id) -> dict:
    return client.get(f"{API}/topics/{topic_id}", headers=headers).json


def _decide(client, token, topic_id, step, **fields):
    return client.post(f"/topics/{topic_id}/decide", data={"csrf_token": token, "_step": step, **fields})


def test_the_coordinator_raises_a_topic_in_the_browser(client, login):
    cm, coord = login("cm-borchen"), login("coordinator")
    case = client.post(
        f"{API}/cases",
        json={"municipality": "borchen", "client": {"given_name": "Ida", "family_name": "Brennecke"}},
        headers=cm,
    ).json
    token = web_login(client, "coordinator")
    page = client.get("/topics/new")
    assert page.status_code == 200 and "<h1>Thema einbringen</h1>" in page.text
    assert '<label for="f-title">' in page.text and "Borchen" in page.text and "Delbrück" in page.text
    before = client.get(f"{API}/topics?status=open", headers=coord).json["total"]

    r = client.post("/topics/new", data={"csrf_token": token, "title": "ab", "cases": ""})
    assert r.status_code == 422
    assert 'id="e-title"' in r.text and "Pflichtfeld: bitte ausfüllen." in r.text
    assert 'id="e-category"' in r.text and 'id="e-description"' in r.text
    fields = {
        "csrf_token": token,
        "title": "Fehlende Sprachkurse",
        "category": "language",
        "municipality": "borchen",
        "description": "Wartezeiten über sechs Monate.",
    }
    r = client.post("/topics/new", data={**fields, "cases": "KIM-XXXX-0000"})
    assert r.status_code == 422 and "Keinen Ihrer Fälle gefunden: KIM-XXXX-0000" in r.text
    assert 'id="e-cases"' in r.text and 'value="Fehlende Sprachkurse"' in r.text
    assert client.get(f"{API}/topics?status=open", headers=coord).json["total"] == before  # nothing saved

    r = client.post("/topics/new", data={**fields, "cases": case["pseudonym"]})
    assert r.status_code == 303
    topic_id = int(r.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/topics/{topic_id}")
    assert "ist eingebracht" in page.text and "Nächster Schritt: Beratung im örtlichen Gremium" in page.text
    assert case["pseudonym"] in page.text and "Brennecke" not in page.text
    assert _topic(client, coord, topic_id)["linked_cases_total"] == 1


def test_the_coordinator_walks_a_topic_to_the_state_and_back_on_the_topic_page(client, login):
    cm, coord = login("cm-borchen"), login("coordinator")
    topic = raise_topic(client, cm)
    decide(client, cm, topic["id"], LOCAL_ESCALATE)
    token = web_login(client, "coordinator")
    tid = topic["id"]
    page = client.get(f"/topics/{tid}")
    assert "Nächster Schritt: Entscheidungsvorlage erstellen" in page.text
    assert f'value="{_today()}"' in page.text  # the step's date is today unless changed

    # Missing fields: German messages next to them, nothing saved.
    r = _decide(client, token, tid, "decision_paper", prepared_on=_today(), proposal="forward_state")
    assert r.status_code == 422 and 'id="f-summary-error"' in r.text and 'aria-invalid="true"' in r.text
    assert _topic(client, coord, tid)["waiting_step"] == "decision_paper"
    r = _decide(client, token, tid, "decision_paper", **{**PAPER, "proposal": "forward_state"})
    assert r.status_code == 303
    assert _topic(client, coord, tid)["waiting_step"] == "steering_decision"

    # The Lenkungsgruppe's decision "gelöst" closes the topic: confirmed first, nothing saved before.
    resolved = {"decision_date": _today(), "steering_outcome": "resolved", "reason": "Lösung gefunden"}
    r = _decide(client, token, tid, "steering_decision", **resolved, solution="Kreisweite Kurse")
    assert r.status_code == 200 and "Bitte bestätigen" in r.text
    assert "Das Thema wird als in der Lenkungsgruppe gelöst abgeschlossen." in r.text
    assert _topic(client, coord, tid)["status"] == "open"
    # Forwarding to the state needs no confirmation; a submission from a stale page is not taken.
    assert _decide(client, token, tid, "decision_paper", **PAPER).status_code == 303
    assert _topic(client, coord, tid)["waiting_step"] == "steering_decision"
    forward = {"decision_date": _today(), "steering_outcome": "forward_state", "reason": "Landesrecht"}
    assert _decide(client, token, tid, "steering_decision", **forward).status_code == 303
    assert _topic(client, coord, tid)["waiting_step"] == "forward_to_state"

    r = _decide(client, token, tid, "forward_to_state", **FORWARD, answer_within="drei Wochen")
    assert r.status_code == 422 and 'id="f-answer_within-error"' in r.text
    assert _topic(client, coord, tid)["waiting_step"] == "forward_to_state"
    assert _decide(client, token, tid, "forward_to_state", **FORWARD, answer_within="P3W").status_code == 303
    state = _topic(client, coord, tid)
    assert state["waiting_step"] == "state_answer" and state["reminder_due_at"] is not None
    page = client.get(f"/topics/{tid}")
    assert "Antwort der Landesbehörde erfassen" in page.text and "KIM-PB-2026-07" in page.text

    r = _decide(client, token, tid, "state_answer", answered_on=_today(), answer="")
    assert r.status_code == 422 and 'id="f-answer-error"' in r.text
    answer = "Das Land finanziert zusätzliche Kurse; Lösung: Kurse ab Februar."
    r = _decide(client, token, tid, "state_answer", answered_on=_today(), answer=answer)
    assert r.status_code == 303
    done = _topic(client, coord, tid)
    assert done["status"] == "done" and done["outcome"] == "answered_state"
    page = client.get(f"/topics/{tid}")
    assert answer in page.text and "Nächster Schritt" not in page.text


def test_a_working_group_is_set_up_and_reports_on_the_topic_page(client, login):
    cm, coord = login("cm-borchen"), login("coordinator")
    tid = to_steering(client, cm, coord)["id"]
    token = web_login(client, "coordinator")
    wg = {"decision_date": _today(), "steering_outcome": "working_group", "reason": "Fachlich vertiefen"}
    r = _decide(client, token, tid, "steering_decision", **wg, mandate="Bedarf erheben")
    assert r.status_code == 422  # neither an existing working group nor a new one's name and field
    assert _topic(client, coord, tid)["waiting_step"] == "steering_decision"
    r = _decide(
        client,
        token,
        tid,
        "steering_decision",
        **wg,
        mandate="Bedarf erheben",
        working_group_name="AG Sprache",
        working_group_field="language",
    )
    assert r.status_code == 303
    topic = _topic(client, coord, tid)
    assert topic["working_group"] == "AG Sprache" and topic["waiting_step"] == "working_group_result"
    page = client.get(f"/topics/{tid}")
    assert "Ergebnis der Arbeitsgruppe einbringen" in page.text and "AG Sprache" in page.text
    r = _decide(client, token, tid, "working_group_result", reported_on=_today(), result="Mehr Kursplätze")
    assert r.status_code == 303
    assert _topic(client, coord, tid)["waiting_step"] == "steering_informed"
    # The next topic can be given to the working group that now exists: it is offered by name.
    other = to_steering(client, cm, coord, title="Kein Kursangebot am Abend")["id"]
    page = client.get(f"/topics/{other}")
    assert re.search(r'name="working_group_id" value="\d+"> AG Sprache</label>', page.text)


def test_a_case_manager_is_refused_the_coordinators_actions(app, client, login):
    cm, coord = login("cm-borchen"), login("coordinator")
    tid = to_steering(client, cm, coord)["id"]
    steering = body_id(client, coord)
    meeting = client.post(
        f"{API}/meetings", json={"body_id": steering, "meets_on": _today()}, headers=coord
    ).json
    token = web_login(client, "cm-borchen")
    page = client.get(f"/topics/{tid}")
    assert "Diesen Schritt entscheiden Sie nicht" in page.text and "Entscheidung speichern" not in page.text
    forward = {"decision_date": _today(), "steering_outcome": "forward_state", "reason": "Landesrecht"}
    assert _decide(client, token, tid, "steering_decision", **forward).status_code == 403
    assert _topic(client, coord, tid)["waiting_step"] == "steering_decision"
    assert client.get("/meetings").status_code == 200  # reading is allowed, as over the API
    r = client.post("/meetings", data={"csrf_token": token, "body_id": str(steering), "meets_on": _today()})
    assert r.status_code == 403
    assert client.post(f"/meetings/{meeting['id']}/agenda", data={"csrf_token": token}).status_code == 403
    assert (
        client.post(f"/meetings/{meeting['id']}/agenda/{tid}/up", data={"csrf_token": token}).status_code
        == 403
    )
    assert client.get(f"/meetings/{meeting['id']}/minutes").status_code == 403
    assert client.post(f"/meetings/{meeting['id']}/minutes", data={"csrf_token": token}).status_code == 403
    assert client.get(f"{API}/meetings/{meeting['id']}", headers=coord).json["status"] == "planned"
    assert client.get("/meetings/987654").status_code == 404
    assert client.get("/topics/987654").status_code == 404
    other = app.test_client()  # the data-protection officer reads no topics or meetings
    assert submit_login(other, "dpo").status_code == 303
    assert other.get("/meetings").status_code == 403
    assert other.get(f"/topics/{tid}").status_code == 403


def _meeting_with_two_topics(client, cm, coord):
    first = to_steering(client, cm, coord, title="Lange Wartezeiten auf Integrationskurse")
    second = to_steering(client, cm, coord, title="Fehlende Kita-Plätze", category="education")
    return first["id"], second["id"]


def test_the_coordinator_plans_a_meeting_orders_its_agenda_and_records_the_minutes(client, login):
    cm, coord = login("cm-borchen"), login("coordinator")
    first, second = _meeting_with_two_topics(client, cm, coord)
    steering = body_id(client, coord)
    token = web_login(client, "coordinator")
    page = client.get("/meetings")
    assert page.status_code == 200 and "<h1>Sitzungen der Gremien</h1>" in page.text
    assert "Keine geplanten Sitzungen." in page.text and "Sitzung planen" in page.text

    r = client.post("/meetings", data={"csrf_token": token, "body_id": "", "meets_on": "31.02.2026"})
    assert r.status_code == 422 and "Bitte ein Gremium wählen." in r.text and 'id="e-meets_on"' in r.text
    r = client.post("/meetings", data={"csrf_token": token, "body_id": "987654", "meets_on": _today()})
    assert r.status_code == 422 and 'id="e-body_id"' in r.text
    assert client.get(f"{API}/meetings", headers=coord).json["items"] == []
    r = client.post(
        "/meetings",
        data={"csrf_token": token, "body_id": str(steering), "meets_on": _today(), "location": "Kreishaus"},
    )
    assert r.status_code == 303
    mid = int(r.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/meetings/{mid}")
    assert (
        "Noch nicht zusammengestellt" in page.text
        and "Tagesordnung aus offenen Themen zusammenstellen" in page.text
    )

    assert client.post(f"/meetings/{mid}/agenda", data={"csrf_token": token}).status_code == 303
    order = [i["topic_id"] for i in client.get(f"{API}/meetings/{mid}", headers=coord).json["agenda"]]
    assert order == [first, second]
    page = client.get(f"/meetings/{mid}")
    assert 'aria-label="TH-' in page.text and "nach unten" in page.text
    assert client.post(f"/meetings/{mid}/agenda/{second}/up", data={"csrf_token": token}).status_code == 303
    agenda = client.get(f"{API}/meetings/{mid}", headers=coord).json["agenda"]
    assert [i["topic_id"] for i in agenda] == [second, first] and [i["position"] for i in agenda] == [1, 2]
    assert client.post(f"/meetings/{mid}/agenda/{second}/up", data={"csrf_token": token}).status_code == 303
    assert client.post(f"/meetings/{mid}/agenda/{second}/down", data={"csrf_token": token}).status_code == 303
    agenda = client.get(f"{API}/meetings/{mid}", headers=coord).json["agenda"]
    assert [i["topic_id"] for i in agenda] == [first, second]
    pdf = client.get(f"/meetings/{mid}/agenda.pdf")
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-" and pdf.mimetype == "application/pdf"
    assert client.get(f"/meetings/{mid}/minutes.pdf").status_code == 409

    form = client.get(f"/meetings/{mid}/minutes")
    assert form.status_code == 200 and "TOP 1: TH-" in form.text and 'name="items.0.data.reason"' in form.text
    base = {"csrf_token": csrf_from(form.text), "note": "Sitzung ohne Besonderheiten", "guests": "Jobcenter"}
    # The first topic is decided without a reason: the message is next to the first item's field.
    bad = {
        **base,
        "items.0.treat": "decide",
        "items.0.data.steering_outcome": "forward_state",
        "items.1.treat": "defer",
        "items.1.reason": "Unterlagen fehlen",
    }
    r = client.post(f"/meetings/{mid}/minutes", data=bad)
    assert r.status_code == 422 and 'id="f-items-0-data-reason-error"' in r.text
    assert client.get(f"{API}/meetings/{mid}", headers=coord).json["status"] == "planned"
    assert _topic(client, coord, first)["waiting_step"] == "steering_decision"

    good = {
        **bad,
        "items.0.data.reason": "Landesrecht betroffen",
        "items.0.data.steering_outcome": "resolved",
        "items.0.data.solution": "Kreisweite Kurse",
    }
    r = client.post(f"/meetings/{mid}/minutes", data=good)
    assert r.status_code == 200 and "Bitte bestätigen" in r.text and "Ja, Protokoll so speichern" in r.text
    assert client.get(f"{API}/meetings/{mid}", headers=coord).json["status"] == "planned"  # nothing saved
    key = re.search(r'name="_confirm" value="([^"]+)"', r.text).group(1)
    r = client.post(f"/meetings/{mid}/minutes", data={**good, "_confirm": key})
    assert r.status_code == 303
    held = client.get(f"{API}/meetings/{mid}", headers=coord).json
    assert held["status"] == "held" and held["minutes_note"] == "Sitzung ohne Besonderheiten"
    assert _topic(client, coord, first)["outcome"] == "resolved_steering"
    assert _topic(client, coord, second)["waiting_step"] == "steering_decision"  # deferred
    page = client.get(f"/meetings/{mid}")
    assert "Kreisweite Kurse" in page.text and "Vertagt" in page.text and "Jobcenter" in page.text
    assert client.post(f"/meetings/{mid}/agenda/{second}/up", data={"csrf_token": token}).status_code == 409
    pdf = client.get(f"/meetings/{mid}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-" and len(pdf.data) > 2000
    page = client.get("/meetings")
    assert "Keine geplanten Sitzungen." in page.text and f"/meetings/{mid}" in page.text


def test_the_lenkungsgruppe_records_the_minutes_of_its_own_meeting(client, login):
    cm, coord = login("cm-borchen"), login("coordinator")
    tid = to_steering(client, cm, coord)["id"]
    mid = client.post(
        f"{API}/meetings", json={"body_id": body_id(client, coord), "meets_on": _today()}, headers=coord
    ).json["id"]
    local = body_id(client, coord, kind="local", municipality="borchen")
    other = client.post(f"{API}/meetings", json={"body_id": local, "meets_on": _today()}, headers=coord).json[
        "id"
    ]
    web_login(client, "steering")
    nav = client.get("/meetings")
    assert nav.status_code == 200 and 'aria-current="page">Sitzungen</a>' in nav.text
    page = client.get(f"/meetings/{mid}")
    assert "Protokoll erfassen" in page.text and "Tagesordnung aus offenen" not in page.text
    assert client.get(f"/meetings/{other}/minutes").status_code == 403  # a local body's minutes: not theirs
    form = client.get(f"/meetings/{mid}/minutes")
    data = {
        "csrf_token": csrf_from(form.text),
        "items.0.treat": "decide",
        "items.0.data.steering_outcome": "forward_state",
        "items.0.data.reason": "Landesrecht",
    }
    assert client.post(f"/meetings/{mid}/minutes", data=data).status_code == 303
    assert _topic(client, coord, tid)["waiting_step"] == "forward_to_state"
