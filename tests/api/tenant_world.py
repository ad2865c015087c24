"""A second tenant in the same database and its world, for the two-tenant access matrix
(tests/api/test_tenant_matrix.py).

Kreis Quellental (prefix QT) has two municipalities, a team and an account of every role; its world
is one case run to a referral and a follow-up (with a note, a document, a goal and household
members), a fresh case with a ready task, an open case with consent, a topic on a meeting agenda, an
offer, an authority's check, a failed timer (an incident), a process incident, a test run, its own
Arabic sheet catalogue and the audit entries all of that writes.
Every free text of the world carries a marker (``MARKERS``): a response to Kreis Paderborn that
contains one has leaked Quellental's data.
"""

from __future__ import annotations

import json
from datetime import timedelta
from io import BytesIO
from pathlib import Path

from sqlalchemy import select

from engine.access.models import User
from engine.clock import today_berlin
from engine.escalations.bodies import seed_bodies
from engine.instances.models import ProcessInstance
from engine.org.models import Tenant
from engine.org.service import seed_organisation
from engine.processes.models import ProcessIncident
from engine.timers.models import INCIDENT, Timer
from engine.uow import unit_of_work
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case
from tests.api.test_sheets import REVIEWED_AR
from tests.casefile_data import pdf

API = "/api/v1"
MISSING = 999_999
NO_TASK = "00000000-0000-0000-0000-000000000000"
PERSON = {"given_name": "Quirina", "family_name": "Zellweger", "birth_date": "1988-03-14"}


def _account(username: str, role: str) -> dict:
    return {"username": username, "password": "demo", "display_name": f"Quellental {username}", "role": role}


# User names differ from Paderborn's while user names are unique across tenants (the identity lane
# makes them unique per tenant).
ACCOUNTS = {
    "case_manager": "qt-cm",
    "team_case_manager": "qt-cm-team",
    "coordinator": "qt-coordinator",
    "steering": "qt-steering",
    "dpo": "qt-dpo",
    "admin": "qt-admin",
    "process_owner": "qt-process-owner",
    "foreigners_authority": "qt-abh",
    "jobcenter": "qt-jobcenter",
}
SEED = {
    "tenant": {"key": "quellental", "name": "Kreis Quellental", "case_prefix": "QT", "reopen_days": 30},
    "regions": [{"key": "nord", "name": "Quellental-Nord"}],
    "municipalities": [
        {"key": "quellbach", "name": "Quellbach", "region": "nord"},
        {"key": "talheim-q", "name": "Talheimerode", "region": "nord"},
    ],
    "teams": [
        {"key": "quell-team", "name": "Quellteam Jugend", "description": "Zugewanderte junge Menschen"}
    ],
    "bodies": [
        {"key": "lenkung-q", "kind": "steering", "name": "Quellentaler Lenkungsrunde"},
        {"key": "rt-quellbach", "kind": "local", "name": "Quellbacher Tisch", "municipality": "quellbach"},
    ],
    "agencies": [],
    "demo_accounts": [
        {**_account("qt-cm", "case_manager"), "municipality": "quellbach"},
        {**_account("qt-cm-team", "case_manager"), "team": "quell-team"},
        _account("qt-coordinator", "coordinator"),
        _account("qt-steering", "steering"),
        _account("qt-dpo", "dpo"),
        _account("qt-admin", "admin"),
        _account("qt-process-owner", "process_owner"),
        {**_account("qt-abh", "authority"), "agency": "foreigners_authority"},
        {**_account("qt-jobcenter", "authority"), "agency": "jobcenter"},
    ],
}
# Strings only Quellental's data contains (names, places, titles, texts, user names).
MARKERS = (
    "Quirina",
    "Zellweger",
    "1988-03-14",
    "Quellental",
    "Quellbach",
    "Talheimerode",
    "Quellteam",
    "Quellentaler",
    "qt-cm",
    "qt-coordinator",
    "qt-abh",
    "qt-dpo",
    "qt-admin",
    "qt-steering",
    "qt-process-owner",
    "qt-jobcenter",
    "QT-",
)


def add_tenant(app, folder: Path) -> int:
    """Seed Kreis Quellental (with its accounts) into the app's database; its id."""
    seed_file = folder / "quellental.json"
    seed_file.write_text(json.dumps(SEED), encoding="utf-8")
    with unit_of_work(app.extensions["kim"]["sessions"]) as s:
        seed_organisation(s, seed_file, demo=True)
        seed_bodies(s, seed_file)
        return s.scalars(select(Tenant.id).where(Tenant.key == "quellental")).one()


def _tenant_id(session) -> int:
    return session.scalars(select(Tenant.id).where(Tenant.key == "quellental")).one()


def _ok(r, status=201):
    assert r.status_code == status, (r.status_code, r.get_data(as_text=True)[:300])
    return r.json


def build_tenant_world(app, client, login) -> dict:
    """Quellental's world, made through the API by its own accounts; the ids of everything in it."""
    cm, coord, abh = login("qt-cm"), login("qt-coordinator"), login("qt-abh")
    start = (today_berlin() - timedelta(days=1)).isoformat()
    case = open_case(client, cm, municipality="Quellbach", **PERSON)
    cid = case["id"]
    complete(client, cm, cid, "first_contact", d.FIRST_CONTACT)
    complete(client, cm, cid, "consent", d.CONSENT_YES)
    complete(client, cm, cid, "assessment", d.ASSESS_REFERRAL)
    complete(client, cm, cid, "referral", {**d.REFERRAL, "reason": "Quellbach Aufenthalt"})
    _ok(client.post(f"{API}/cases/{cid}/followups", headers=cm))
    talk = {"talk_date": start, "responsible": "joint", "responsible_person": "Frau Zellweger"}
    complete(client, cm, cid, "coordination_talk", talk)
    job = {"placement_kind": "job", "employer": "Quellbacher Tischlerei", "start_date": start}
    complete(client, cm, cid, "job_start", job)
    fresh = open_case(client, cm, municipality="Quellbach", **PERSON)
    consented = open_case(client, cm, municipality="Quellbach", **PERSON)
    complete(client, cm, consented["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, cm, consented["id"], "consent", d.CONSENT_YES)
    (referral,) = [i["id"] for i in client.get(f"{API}/referrals", headers=cm).json["items"]]
    consents = client.get(f"{API}/cases/{cid}/consents", headers=cm).json["items"]
    note = {"noted_on": "2026-11-03", "kind": "visit", "text": "Hausbesuch in Quellbach."}
    _ok(client.post(f"{API}/cases/{cid}/notes", json=note, headers=cm))
    document = _ok(
        client.post(
            f"{API}/cases/{cid}/documents",
            data={"title": "Bescheid Zellweger", "file": (BytesIO(pdf()), "bescheid.pdf")},
            headers=cm,
            content_type="multipart/form-data",
        )
    )
    member = _ok(
        client.post(
            f"{API}/cases/{cid}/members",
            json={"given_name": "Quentin", "family_name": "Zellweger", "relationship": "child"},
            headers=cm,
        )
    )
    goal = _ok(
        client.post(
            f"{API}/cases/{consented['id']}/goals",
            json={"text": "Quirina findet eine Wohnung", "life_area": "housing"},
            headers=cm,
        )
    )
    topic = _ok(
        client.post(
            f"{API}/topics",
            json={
                "title": "Quellbacher Kinderbetreuung",
                "category": "language",
                "municipality": "Quellbach",
                "description": "Aus der Fallarbeit in Quellental.",
                "case_ids": [cid],
            },
            headers=cm,
        )
    )
    body = client.get(f"{API}/bodies?kind=steering", headers=coord).json["items"][0]["id"]
    meeting = _ok(client.post(f"{API}/meetings", json={"body_id": body, "meets_on": start}, headers=coord))
    _ok(client.post(f"{API}/meetings/{meeting['id']}/agenda", headers=coord), 200)
    offer = _ok(
        client.post(
            f"{API}/offers",
            json={
                "municipality": "quellbach",
                "provider": "Quellentaler Sprachwerkstatt",
                "title": "Quellbacher Deutschkurs",
                "kind": "language_course",
                "life_areas": ["language"],
            },
            headers=coord,
        )
    )
    check = _ok(client.post(f"{API}/referrals/{referral}/checks", json={"kind": "residence"}, headers=abh))
    owner = login("qt-process-owner")
    run = _ok(client.post(f"{API}/processes/case_lifecycle/runs", json={}, headers=owner))
    catalogue = {"file": (BytesIO(REVIEWED_AR.encode("utf-8")), "ar.po")}  # Quellental's own Arabic sheets
    r = client.put(
        f"{API}/sheets/catalogues/ar", data=catalogue, headers=owner, content_type="multipart/form-data"
    )
    _ok(r, 200)
    with unit_of_work(app.extensions["kim"]["sessions"]) as s:  # a failed timer: an incident
        timer = s.scalars(
            select(Timer)
            .join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
            .where(ProcessInstance.case_id == cid)
            .order_by(Timer.id)
        ).first()
        timer.status, timer.last_error = INCIDENT, "RuntimeError: Quellental"
        timer_id = timer.id
        s.add(  # a process incident of Quellental's (for its process owners only)
            ProcessIncident(
                tenant_id=_tenant_id(s),
                process_id="case_lifecycle",
                process_version_id=s.get_one(ProcessInstance, timer.instance_id).process_version_id,
                instance_id=timer.instance_id,
                source="timer",
                element_id=timer.bpmn_id,
                element_name="Quellentaler Wartezeit",
                kind="error",
                cause="RuntimeError: Quellental",
                count=1,
                created_at=timer.created_at,
                last_at=timer.created_at,
            )
        )
        users = dict(s.execute(select(User.username, User.id).where(User.username.like("qt-%"))).all())
    return {
        "id": cid,
        "case_number": case["case_number"],
        "pseudonym": case["pseudonym"],
        "municipality": "Quellbach",
        "fresh": fresh["id"],
        "consented": consented["id"],
        "task": fresh["open_tasks"][0]["id"],
        "referral": referral,
        "consent": next(c["id"] for c in consents if c["agency"] == "jobcenter"),
        "member": member["id"],
        "document": document["id"],
        "goal": goal["id"],
        "topic": topic["id"],
        "body": body,
        "meeting": meeting["id"],
        "offer": offer["id"],
        "check": check["id"],
        "run": run,
        "timer": timer_id,
        "users": users,
        "person": PERSON,
    }


def missing_world() -> dict:
    """The same keys with ids nobody has."""
    return {
        "id": MISSING,
        "municipality": "Atlantis",
        "fresh": MISSING,
        "consented": MISSING,
        "task": NO_TASK,
        "referral": MISSING,
        "consent": MISSING,
        "member": MISSING,
        "document": MISSING,
        "goal": MISSING,
        "topic": MISSING,
        "body": MISSING,
        "meeting": MISSING,
        "offer": MISSING,
        "check": MISSING,
        "timer": MISSING,
        "users": {},
        "person": {"given_name": "Niemand", "family_name": "Niemand", "birth_date": "1970-01-01"},
    }
