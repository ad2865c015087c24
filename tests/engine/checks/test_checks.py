"""Baustein 3: the Ausländerbehörde checks §25b on a referral, asks for documents with a due date (a
reminder when it passes), records the result, which goes back through the referral; the case manager
turns the missing criterion into a goal. Scope: other agencies and other case managers get 404."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import clock
from engine.checks.models import Check
from engine.consents.models import Referral
from tests.engine.followups.helpers import fire, travel

from .helpers import RESULT, checks_of, do, referred, start, task

API = "/api/v1"


@pytest.fixture(autouse=True)
def _on_the_twentieth():
    travel("2026-11-20")
    yield
    clock.reset()


def test_the_whole_check_from_referral_to_goal(app, client, login):
    case, ref = referred(app, client, login)
    abh, cm = login("abh"), login("cm-borchen")
    check = start(client, abh, ref["id"])
    assert check["status"] == "running" and check["kind_label"] == "Bleiberechtsprüfung"
    assess = task(client, abh, "assess")
    assert assess["role"] == "authority" and assess["case_id"] == case["id"]
    # the authority's task is not the case manager's: not in her inbox
    assert [t for t in client.get(f"{API}/tasks", headers=cm).json["items"] if t["bpmn_id"] == "assess"] == []
    form = client.get(f"{API}/tasks/{assess['id']}", headers=abh).json["form"]
    assert "keine Rechtsberatung" in form["description"]
    request = {**RESULT, "next_step": "request_documents", "document_name": "Schulbescheinigung"}
    r = do(client, abh, assess["id"], {**request, "document_due": "2026-11-19"}, expect=422)
    assert list(r["errors"]) == ["document_due"] and "Vergangenheit" in r["errors"]["document_due"][0]
    r = do(client, abh, assess["id"], {"next_step": "request_documents"}, expect=422)  # what and until when
    assert set(r["errors"]) == {"document_name", "document_due"}
    do(client, abh, assess["id"], {**request, "document_due": "2026-12-04"})
    collect = task(client, cm, "collect_documents", case["id"])
    assert collect["name"] == "Unterlagen einholen: Schulbescheinigung"
    assert collect["due"].startswith("2026-12-04T22:59:59")  # the end of the Berlin day
    r = client.get(f"{API}/tasks/{collect['id']}", headers=abh)
    assert r.status_code == 404  # the case manager's task is not the authority's
    # the due date passes: the reminder brings the task back with seven more days
    travel("2026-12-05", hour=10)
    fire(app)
    cm = login("cm-borchen")
    again = task(client, cm, "collect_documents", case["id"])
    assert again["id"] != collect["id"] and again["due"].startswith("2026-12-12")
    do(client, cm, again["id"], {"document_status": "received", "received_on": "2026-12-05"})
    abh = login("abh")
    do(client, abh, task(client, abh, "assess")["id"], RESULT)
    # the result: per path and criterion, and back to the case through the referral
    (done,) = checks_of(client, cm, case["id"])
    assert done["status"] == "finished" and done["met"] is False
    (path,) = done["paths"]
    assert path["path"] == "p25b" and path["met"] is False
    missing = [c for c in path["criteria"] if not c["met"]]
    assert [(c["key"], c["what"], c["possible_from"], c["can_make_goal"]) for c in missing] == [
        ("b_language", "A2-Zertifikat fehlt", "2027-06-01", True)
    ]
    assert done["notes"] == "Sprachkurs läuft."
    with app.extensions["kim"]["sessions"]() as s:
        row = s.get(Referral, ref["id"])
        assert row.status == "answered"
        assert "Bleiberechtsprüfung abgeschlossen" in row.answer_text and "01.06.2027" in row.answer_text
    # one action: the missing criterion becomes a goal of the accompaniment, once
    r = client.post(f"{API}/checks/{done['id']}/goals", headers=cm, json={"criterion": "b_language"})
    assert r.status_code == 201, r.json
    goals = client.get(f"{API}/cases/{case['id']}/goals", headers=cm).json["items"]
    (goal,) = [g for g in goals if g["id"] == r.json["goal_id"]]
    assert goal["life_area"] == "language" and "A2" in goal["text"] and goal["target_date"] == "2027-06-01"
    r = client.post(f"{API}/checks/{done['id']}/goals", headers=cm, json={"criterion": "b_language"})
    assert r.status_code == 409 and r.json["type"].endswith("/criterion-goal-exists")
    r = client.post(f"{API}/checks/{done['id']}/goals", headers=cm, json={"criterion": "b_stay"})
    assert r.status_code == 422 and list(r.json["errors"]) == ["criterion"]  # met: nothing to aim for
    (after,) = checks_of(client, cm, case["id"])
    assert after["paths"][0]["criteria"][4]["goal_id"] == goal["id"]


def test_scope_other_agency_other_case_manager_and_coordinator(app, client, login):
    case, ref = referred(app, client, login)
    abh = login("abh")
    check = start(client, abh, ref["id"])
    assess = task(client, abh, "assess")
    jobcenter, other_cm, coordinator = login("jobcenter"), login("cm-delbrueck"), login("coordinator")
    # another agency: neither the referral, the check, its task nor its inbox
    start(client, jobcenter, ref["id"], expect=404)
    assert client.get(f"{API}/checks/{check['id']}", headers=jobcenter).status_code == 404
    theirs = client.get(f"{API}/tasks/{assess['id']}", headers=jobcenter)
    nothing = client.get(f"{API}/tasks/00000000-0000-0000-0000-000000000000", headers=jobcenter)
    assert theirs.status_code == nothing.status_code == 404
    assert (theirs.json["type"], theirs.json["detail"]) == (nothing.json["type"], nothing.json["detail"])
    assert client.get(f"{API}/tasks", headers=jobcenter).json["items"] == []
    r = client.post(f"{API}/tasks/{assess['id']}/complete", headers=jobcenter, json={"data": RESULT})
    assert r.status_code == 404
    # a case manager of another municipality: the case's checks are not there for her
    assert client.get(f"{API}/cases/{case['id']}/checks", headers=other_cm).status_code == 404
    r = client.post(f"{API}/checks/{check['id']}/goals", headers=other_cm, json={"criterion": "b_language"})
    assert r.status_code == 404
    # the kind must be the agency's; one running check per kind and referral
    r = start(client, abh, ref["id"], kind="naturalisation", expect=422)
    assert list(r["errors"]) == ["kind"]
    assert start(client, abh, ref["id"], expect=409)["type"].endswith("/check-running")
    do(client, abh, assess["id"], RESULT)
    # coordinators: the check's state without the authority's notes and no names
    (seen,) = checks_of(client, coordinator, case["id"])
    text = str(seen)
    assert seen["status"] == "finished" and seen["notes"] is None
    assert all(c["what"] is None and not c["can_make_goal"] for c in seen["paths"][0]["criteria"])
    assert "Karim" not in text and "Haddad" not in text and "A2-Zertifikat" not in text
    r = client.post(
        f"{API}/checks/{check['id']}/goals", headers=coordinator, json={"criterion": "b_language"}
    )
    assert r.status_code == 403


def test_a_new_checklist_version_leaves_the_running_check_on_its_own(app, client, login):
    """The law changes while a check runs: the process owner deploys a new §25b checklist; the running
    check keeps its version (form and validation), a check started later takes the new one."""
    case, ref = referred(app, client, login)
    abh = login("abh")
    first = start(client, abh, ref["id"])
    owner = login("process-owner")
    schema = client.get(f"{API}/tasks/{task(client, abh, 'assess')['id']}", headers=abh).json["form"]
    new = dict(schema)
    props = dict(new["properties"])
    props["b_language"] = {**props["b_language"], "title": "§ 25b: Deutschkenntnisse (Sprachniveau B1)"}
    props["b_new"] = {**props["b_fdgo"], "title": "§ 25b: ein neues Kriterium"}
    new["properties"] = props
    new["allOf"] = [
        {**a, "then": {"required": [*a["then"]["required"], "b_new"]}}
        if a["if"]["properties"].get("check_25b")
        else a
        for a in new["allOf"]
    ]
    r = client.put(f"{API}/forms/check_residence", headers=owner, json={"schema": new})
    assert r.status_code == 200 and r.json["changed"], r.json
    running = client.get(f"{API}/tasks/{task(client, abh, 'assess')['id']}", headers=abh).json["form"]
    assert "b_new" not in running["properties"] and running == schema
    do(client, abh, task(client, abh, "assess")["id"], RESULT)  # valid under its own version
    (done,) = checks_of(client, login("cm-borchen"), case["id"])
    assert done["form_version"] == first["form_version"]
    titles = [c["title"] for c in done["paths"][0]["criteria"]]
    assert "§ 25b: hinreichende mündliche Deutschkenntnisse (Sprachniveau A2)" in titles
    later = start(client, abh, ref["id"])
    assert later["form_version"] == first["form_version"] + 1
    r = do(client, abh, task(client, abh, "assess")["id"], RESULT, expect=422)
    assert "b_new" in r["errors"]
    with app.extensions["kim"]["sessions"]() as s:
        versions = s.scalars(select(Check.form_version_id).order_by(Check.id)).all()
        assert versions[0] != versions[1]


def test_the_check_stops_with_its_case(app, client, login):
    case, ref = referred(app, client, login)
    abh = login("abh")
    start(client, abh, ref["id"])
    cm = login("cm-borchen")
    r = client.post(f"{API}/cases/{case['id']}/consent-withdrawal", headers=cm)
    assert r.status_code == 200, r.json
    (seen,) = checks_of(client, cm, case["id"])
    assert seen["status"] == "stopped" and seen["status_label"] == "beendet (Fall beendet)"
    assert client.get(f"{API}/tasks", headers=abh).json["items"] == []
