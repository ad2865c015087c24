"""The case managers' actions on the case page: withdrawals (confirmed first), the UmA follow-up started
and ended, a topic raised from the case; refusals in German next to the fields, nothing half-saved; the
task-done message on the page the user lands on."""

from __future__ import annotations

import re

from sqlalchemy import select

from engine.consents.models import Consent
from engine.escalations.models import Topic, TopicCase
from engine.followups.models import STOPPED, FollowUp
from engine.tasks.models import READY, TaskRecord
from tests import lifecycle_data as d
from tests.api.helpers import give_consent, open_case, ready

from .helpers import web_login
from .test_task_form import _submit

API = "/api/v1"


def _rows(app, model, *cond):
    with app.extensions["kim"]["sessions"]() as s:
        return list(s.scalars(select(model).where(*cond)))


def _releases(app, case_id: int) -> dict[str, Consent]:
    rows = _rows(app, Consent, Consent.case_id == case_id, Consent.kind == "confidentiality_release")
    return {c.agency: c for c in rows}


def _case_with_consent(client, login) -> dict:
    cm = login("cm-borchen")
    case = open_case(client, cm)
    give_consent(client, cm, case["id"])
    return case


def _notice(html: str) -> list[str]:
    return re.findall(r'<p class="notice" role="status">([^<]*)</p>', html)


def test_one_release_withdrawn_after_a_confirmation(client, login, app):
    case = _case_with_consent(client, login)
    jobcenter = _releases(app, case["id"])["jobcenter"]
    csrf = web_login(client)
    url = f"/cases/{case['id']}/consents/{jobcenter.id}/withdrawal"
    page = client.get(f"/cases/{case['id']}")
    assert f'action="{url}"' in page.text and "Einwilligung zur Datenverarbeitung widerrufen" in page.text

    asked = client.post(url, data={"csrf_token": csrf})
    assert (
        asked.status_code == 200 and "Bitte bestätigen: Schweigepflichtentbindung widerrufen?" in asked.text
    )
    assert _releases(app, case["id"])["jobcenter"].withdrawn_at is None  # nothing saved yet

    done = client.post(url, data={"csrf_token": csrf, "_confirm": "1"})
    assert done.status_code == 303
    landed = client.get(done.headers["Location"])
    assert "Die Schweigepflichtentbindung gegenüber Jobcenter (SGB II) ist widerrufen." in _notice(
        landed.text
    )
    now = _releases(app, case["id"])
    assert now["jobcenter"].withdrawn_at is not None and now["foreigners_authority"].withdrawn_at is None
    assert f'action="{url}"' not in landed.text  # only releases in force are offered

    again = client.post(url, data={"csrf_token": csrf, "_confirm": "1"})
    assert again.status_code == 409 and "bereits widerrufen" in again.text
    unknown = client.post(
        f"/cases/{case['id']}/consents/999999/withdrawal", data={"csrf_token": csrf, "_confirm": "1"}
    )
    assert unknown.status_code == 404


def test_consent_withdrawal_confirmed_ends_the_case(client, login):
    case = _case_with_consent(client, login)
    cm = login("cm-borchen")
    csrf = web_login(client)
    url = f"/cases/{case['id']}/consent-withdrawal"
    asked = client.post(url, data={"csrf_token": csrf})
    assert asked.status_code == 200 and "nach 30 Tagen gelöscht" in asked.text
    assert client.get(f"{API}/cases/{case['id']}", headers=cm).json["status"] == "open"
    done = client.post(url, data={"csrf_token": csrf, "_confirm": "1"})
    assert done.status_code == 303
    landed = client.get(done.headers["Location"])
    assert "Die Einwilligung ist widerrufen; der Fall ist abgeschlossen." in _notice(landed.text)
    assert client.get(f"{API}/cases/{case['id']}", headers=cm).json["status"] == "closed"
    assert f'action="{url}"' not in landed.text  # a closed case offers no actions
    again = client.post(url, data={"csrf_token": csrf, "_confirm": "1"})
    assert again.status_code == 409 and "bereits abgeschlossen" in again.text


def test_consent_withdrawal_before_consent_is_refused_in_german(client, login):
    cm = login("cm-borchen")
    case = open_case(client, cm)
    csrf = web_login(client)
    r = client.post(f"/cases/{case['id']}/consent-withdrawal", data={"csrf_token": csrf, "_confirm": "1"})
    assert r.status_code == 409 and "erst möglich, nachdem die Einwilligung erteilt wurde" in r.text


def test_followup_started_and_ended_with_a_reason(client, login, app):
    cm = login("cm-borchen")
    early = open_case(client, cm)
    csrf = web_login(client)
    refused = client.post(f"/cases/{early['id']}/followups", data={"csrf_token": csrf})
    assert refused.status_code == 409 and "Einwilligung zur Datenverarbeitung" in refused.text
    assert not _rows(app, FollowUp, FollowUp.case_id == early["id"])

    case = _case_with_consent(client, login)
    page = client.get(f"/cases/{case['id']}")
    assert "UmA-Nachverfolgung starten" in page.text
    started = client.post(f"/cases/{case['id']}/followups", data={"csrf_token": csrf})
    assert started.status_code == 303
    landed = client.get(started.headers["Location"])
    assert any("Nachverfolgung ist gestartet" in n for n in _notice(landed.text))
    (row,) = _rows(app, FollowUp, FollowUp.case_id == case["id"])
    assert "UmA-Nachverfolgung starten" not in landed.text and "Nachverfolgung beenden" in landed.text
    twice = client.post(f"/cases/{case['id']}/followups", data={"csrf_token": csrf})
    assert twice.status_code == 409 and "läuft bereits" in twice.text

    end = f"/cases/{case['id']}/followups/{row.id}/end"
    no_reason = client.post(end, data={"csrf_token": csrf, "reason": " "})
    assert no_reason.status_code == 422 and f'id="followup-reason-{row.id}-error"' in no_reason.text
    asked = client.post(end, data={"csrf_token": csrf, "reason": "Umzug nach Köln"})
    assert asked.status_code == 200 and "Bitte bestätigen: Nachverfolgung beenden?" in asked.text
    assert 'value="Umzug nach Köln"' in asked.text
    assert _rows(app, FollowUp, FollowUp.id == row.id)[0].status != STOPPED
    done = client.post(end, data={"csrf_token": csrf, "reason": "Umzug nach Köln", "_confirm": "1"})
    assert done.status_code == 303
    assert "Die Nachverfolgung ist beendet." in _notice(client.get(done.headers["Location"]).text)
    assert _rows(app, FollowUp, FollowUp.id == row.id)[0].status == STOPPED
    open_tasks = _rows(app, TaskRecord, TaskRecord.instance_id == row.instance_id, TaskRecord.status == READY)
    assert open_tasks == []
    over = client.post(end, data={"csrf_token": csrf, "reason": "nochmal", "_confirm": "1"})
    assert over.status_code == 409 and "bereits beendet" in over.text
    # A new one may start once the old one is ended.
    assert client.post(f"/cases/{case['id']}/followups", data={"csrf_token": csrf}).status_code == 303


def test_topic_raised_from_the_case_linked_by_pseudonym(client, login, app):
    case = _case_with_consent(client, login)
    csrf = web_login(client)
    url = f"/cases/{case['id']}/topics"
    empty = client.post(url, data={"csrf_token": csrf, "municipality": "borchen"})
    assert empty.status_code == 422
    for field in ("title", "category", "description"):
        assert f'id="topic-{field}-error"' in empty.text, field
    named = client.post(
        url,
        data={
            "csrf_token": csrf,
            "title": "Wohnungssuche von Amina Haddad",
            "category": "housing",
            "municipality": "borchen",
            "description": "Kein bezahlbarer Wohnraum.",
        },
    )
    assert named.status_code == 422 and 'id="topic-title-error"' in named.text
    assert "Pseudonym" in named.text and 'value="Wohnungssuche von Amina Haddad"' in named.text
    assert not _rows(app, Topic)

    good = client.post(
        url,
        data={
            "csrf_token": csrf,
            "title": "Fehlender bezahlbarer Wohnraum",
            "category": "housing",
            "municipality": "borchen",
            "description": "Familien finden seit Monaten keine Wohnung.",
        },
    )
    assert good.status_code == 303
    (topic,) = _rows(app, Topic)
    landed = client.get(good.headers["Location"])
    assert landed.status_code == 200
    assert (
        f"Das Thema {topic.number} ist eingebracht; der Fall ist mit seinem Pseudonym verknüpft."
        in landed.text
    )
    (link,) = _rows(app, TopicCase, TopicCase.topic_id == topic.id)
    assert link.case_id == case["id"] and link.pseudonym == case["pseudonym"]
    assert "Haddad" not in topic.title + topic.description


def test_other_roles_get_no_actions_and_are_refused(client, login, app):
    case = _case_with_consent(client, login)
    jobcenter = _releases(app, case["id"])["jobcenter"]
    for user in ("coordinator", "dpo"):
        csrf = web_login(client, user)
        page = client.get(f"/cases/{case['id']}")
        assert page.status_code == 200
        assert "widerrufen …" not in page.text and "Nachverfolgung starten" not in page.text
        assert "Thema aus diesem Fall einbringen" not in page.text
        r = client.post(f"/cases/{case['id']}/followups", data={"csrf_token": csrf})
        assert r.status_code == 403
        r = client.post(
            f"/cases/{case['id']}/consents/{jobcenter.id}/withdrawal",
            data={"csrf_token": csrf, "_confirm": "1"},
        )
        assert r.status_code == 403
        client.post("/logout", data={"csrf_token": csrf})
    # A case manager of another municipality does not see the case at all.
    csrf = web_login(client, "cm-delbrueck")
    r = client.post(f"/cases/{case['id']}/consent-withdrawal", data={"csrf_token": csrf, "_confirm": "1"})
    assert r.status_code == 404
    r = client.post(f"/cases/{case['id']}/followups", data={"csrf_token": csrf})
    assert r.status_code == 404
    assert _releases(app, case["id"])["jobcenter"].withdrawn_at is None
    assert not _rows(app, FollowUp, FollowUp.case_id == case["id"])


def test_the_task_done_message_shows_on_the_landing_page(client, login):
    cm = login("cm-borchen")
    case = open_case(client, cm)
    csrf = web_login(client)
    (task,) = [t for t in ready(client, cm, case["id"]) if t["bpmn_id"] == "first_contact"]
    r = _submit(client, csrf, task["id"], d.FIRST_CONTACT)
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/cases/{case['id']}")
    landed = client.get(r.headers["Location"])
    assert _notice(landed.text) == [
        "Aufgabe „Erstgespräch“ erledigt."
    ]  # once, although base.html shows it too
    assert _notice(client.get("/").text) == []  # not again on the next page
    # A page that never showed messages before shows them now (the follow-ups' overview).
    (consent,) = [t for t in ready(client, cm, case["id"]) if t["bpmn_id"] == "consent"]
    r = _submit(client, csrf, consent["id"], d.CONSENT_YES)
    assert r.status_code == 303
    followups = client.get("/followups")
    assert _notice(followups.text) == ["Aufgabe „Einwilligung“ erledigt."]
