"""Access matrix: every API endpoint x every role x own / other scope.

The endpoint list comes from the OpenAPI document; a new endpoint without a row in MATRIX
fails ``test_matrix_covers_every_endpoint``. Every role in turn walks the whole table against
one world (three cases run to a referral and a follow-up, plus one fresh case each):

  B  Borchen, no team (cm-borchen)     referral to foreigners_authority
  D  Delbrück, no team (cm-delbrueck)  referral to jobcenter
  U  Borchen, UmA team (cm-uma)        referral to foreigners_authority

"own" is the role's own case (B for county roles and abh, D for jobcenter), "other" one
outside its scope (the county roles see both). Rows run other scope first, then own; the
state-changing writes come last, the case-closing one and the logout at the very end.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.clock import today_berlin
from engine.config import PROJECT_ROOT
from engine.instances.models import ProcessInstance
from engine.timers.models import INCIDENT, Timer
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case
from tests.api.matrix_rows import ROWS as ESCALATION_ROWS
from tests.api.matrix_rows import add_documents, add_goals, add_topics
from tests.api.matrix_rows_state import ROWS as STATE_ROWS

API = "/api/v1"
PUBLIC = {("GET", "/api/v1/health"), ("GET", "/api/v1/ready"), ("POST", "/api/v1/auth/token")}
CM = ("cm-borchen", "cm-delbrueck", "cm-uma")
PSEUDO = ("coordinator", "steering", "dpo")
AUTHORITY = ("abh", "jobcenter")
ROLES = CM + PSEUDO + AUTHORITY + ("process-owner", "admin")
OWN = {"cm-borchen": "B", "cm-delbrueck": "D", "cm-uma": "U", "jobcenter": "D"}  # default B
OTHER = {"cm-borchen": "D", "cm-delbrueck": "B", "cm-uma": "B", "jobcenter": "B"}  # default D
WORLD = {  # key: owner, municipality, client, referral agency
    "B": (
        "cm-borchen",
        "Borchen",
        {"given_name": "Amina", "family_name": "Haddad", "birth_date": "1990-04-02"},
        "foreigners_authority",
    ),
    "D": (
        "cm-delbrueck",
        "Delbrück",
        {"given_name": "Chidi", "family_name": "Okonkwo", "birth_date": "1985-07-19"},
        "jobcenter",
    ),
    "U": (
        "cm-uma",
        "Borchen",
        {"given_name": "Farid", "family_name": "Rahimi", "birth_date": "2005-01-15"},
        "foreigners_authority",
    ),
}
NEW_CLIENT = {"given_name": "Mariam", "family_name": "Yousef", "birth_date": "1999-09-09"}
SECRETS = [v for _, _, c, _ in WORLD.values() for v in c.values()] + list(NEW_CLIENT.values())
NO_TASK = "00000000-0000-0000-0000-000000000000"
LIFECYCLE_V2 = (
    (PROJECT_ROOT / "processes" / "case_lifecycle.bpmn")
    .read_bytes()
    .replace(b'name="Evaluation"', b'name="Zwischenauswertung"', 1)
)
TINY_FORM = {"type": "object", "title": "Notiz", "properties": {"note": {"type": "string", "maxLength": 100}}}
MISSING = 999_999


# --- expectations: (role, own) -> status --------------------------------------------------------
def case_read(role, own):
    return (200 if own else 404) if role in CM else 200 if role in PSEUDO else 403


def cm_write(ok):
    return lambda role, own: (ok if own else 404) if role in CM else 403


def cm_create(role, own):
    return 403 if role not in CM else 201 if own or role == "cm-uma" else 403  # a team works county-wide


def case_roles(role, own):
    return 200 if role in CM + PSEUDO else 403


def referral_read(role, own):
    if role in CM + AUTHORITY:
        return 200 if own else 404
    return 200 if role in PSEUDO else 403


def referral_list(role, own):
    return 200 if role in CM + PSEUDO + AUTHORITY else 403


def only(who, ok=200):
    return lambda role, own: ok if role == who else 403


def listed(role, own, path=""):
    """Whether the scope's case shows up in a list the role may read (process owners: no cases;
    coordinators and agency staff list only the tasks of their lane, and the world's cases have none)."""
    if path == "/api/v1/tasks" and role in ("coordinator", *AUTHORITY):
        return False
    return (own and role != "process-owner") or role in PSEUDO


def task_list(role, own):
    """Case managers list their tasks; coordinators the tasks of their lane; process owners list their
    test runs' tasks (never case tasks); agency staff the tasks of their agency's checks (engine/checks)."""
    return 200 if role in (*CM, "coordinator", "process-owner", *AUTHORITY) else 403


def task_write(ok):
    """Case tasks: their case managers; a process owner, a coordinator or agency staff (a case manager's
    task is not theirs) gets 404 as for a task that does not exist."""
    return lambda role, own: (
        (ok if own else 404)
        if role in CM
        else 404
        if role in ("process-owner", "coordinator", *AUTHORITY)
        else 403
    )


def ids(key):
    return lambda body: [i[key] for i in body["items"]]


# --- the matrix: (method, path) -> (request builder, expectation, list ids, scoped) -----------
# A builder gets the world and the scope's case key and returns (url, json body).
def case_url(suffix="", body=None, case="id"):
    return lambda w, k: (f"{API}/cases/{w[k][case]}{suffix}", body(w, k) if callable(body) else body)


MATRIX = {
    ("GET", "/api/v1/cases"): (lambda w, k: (f"{API}/cases?per_page=100", None), case_roles, ids("id"), True),
    ("GET", "/api/v1/cases/{case_id}"): (case_url(), case_read, None, True),
    ("GET", "/api/v1/cases/{case_id}/history"): (case_url("/history"), case_read, None, True),
    ("GET", "/api/v1/cases/{case_id}/consents"): (case_url("/consents"), case_read, None, True),
    ("GET", "/api/v1/tasks"): (
        lambda w, k: (f"{API}/tasks?case_id={w[k]['id']}", None),
        task_list,
        ids("case_id"),
        True,
    ),
    ("GET", "/api/v1/tasks/{task_id}"): (
        lambda w, k: (f"{API}/tasks/{w[k]['task']}", None),
        task_write(200),
        None,
        True,
    ),
    ("GET", "/api/v1/followups"): (
        lambda w, k: (f"{API}/followups?within_days=366", None),
        case_roles,
        ids("case_id"),
        True,
    ),
    ("GET", "/api/v1/referrals"): (
        lambda w, k: (f"{API}/referrals?per_page=100", None),
        referral_list,
        ids("case_id"),
        True,
    ),
    ("GET", "/api/v1/referrals/{referral_id}"): (
        lambda w, k: (f"{API}/referrals/{w[k]['referral']}", None),
        referral_read,
        None,
        True,
    ),
    ("GET", "/api/v1/audit"): (
        lambda w, k: (f"{API}/audit?case_id={w[k]['id']}", None),
        only("dpo"),
        None,
        True,
    ),
    ("GET", "/api/v1/incidents"): (lambda w, k: (f"{API}/incidents", None), only("admin"), None, False),
    ("POST", "/api/v1/privacy/exports"): (
        lambda w, k: (f"{API}/privacy/exports", {"reason": "Antrag vom 01.11.2026", "case_id": w[k]["id"]}),
        only("dpo"),
        None,
        True,
    ),
    ("POST", "/api/v1/cases/{case_id}/legal-hold"): (
        case_url("/legal-hold", {"hold": True, "reason": "Az. 1 K 2/26"}),
        only("dpo"),
        None,
        True,
    ),
    ("POST", "/api/v1/cases"): (
        lambda w, k: (f"{API}/cases", {"municipality": w[k]["municipality"], "client": NEW_CLIENT}),
        cm_create,
        None,
        True,
    ),
    ("POST", "/api/v1/cases/{case_id}/followups"): (
        case_url("/followups", case="consented"),
        cm_write(201),
        None,
        True,
    ),
    # Claim, give back, hand over (to the scope's own case manager): before the row that completes the task.
    ("POST", "/api/v1/tasks/{task_id}/claim"): (
        lambda w, k: (f"{API}/tasks/{w[k]['task']}/claim", None),
        cm_write(200),
        None,
        True,
    ),
    ("POST", "/api/v1/tasks/{task_id}/take-over"): (
        lambda w, k: (f"{API}/tasks/{w[k]['task']}/take-over", None),
        cm_write(200),
        None,
        True,
    ),
    ("POST", "/api/v1/tasks/{task_id}/unclaim"): (
        lambda w, k: (f"{API}/tasks/{w[k]['task']}/unclaim", None),
        cm_write(200),
        None,
        True,
    ),
    ("POST", "/api/v1/tasks/{task_id}/assign"): (
        lambda w, k: (f"{API}/tasks/{w[k]['task']}/assign", {"username": WORLD[k][0]}),
        cm_write(200),
        None,
        True,
    ),
    ("POST", "/api/v1/tasks/{task_id}/complete"): (
        lambda w, k: (f"{API}/tasks/{w[k]['task']}/complete", {"data": d.FIRST_CONTACT}),
        task_write(200),
        None,
        True,
    ),
    ("POST", "/api/v1/cases/{case_id}/consents"): (
        case_url("/consents", {"agency": "jmd", "given_on": "2026-11-02"}),
        cm_write(201),
        None,
        True,
    ),
    ("POST", "/api/v1/cases/{case_id}/consents/{consent_id}/withdrawal"): (
        lambda w, k: (f"{API}/cases/{w[k]['id']}/consents/{w[k]['consent']}/withdrawal", None),
        cm_write(200),
        None,
        True,
    ),
    ("POST", "/api/v1/incidents/{timer_id}/retry"): (
        lambda w, k: (f"{API}/incidents/{w[k]['timer']}/retry", None),
        only("admin"),
        None,
        True,
    ),
    ("POST", "/api/v1/auth/revocations"): (
        lambda w, k: (f"{API}/auth/revocations", {"username": "steering"}),
        only("admin"),
        None,
        False,
    ),
    ("POST", "/api/v1/cases/{case_id}/consent-withdrawal"): (
        case_url("/consent-withdrawal"),
        cm_write(200),
        None,
        True,
    ),
    ("DELETE", "/api/v1/auth/token"): (
        lambda w, k: (f"{API}/auth/token", None),
        lambda role, own: 204,
        None,
        False,
    ),
    # Process owners' work: diagrams (XML bodies) and forms; no case data, no scope.
    ("GET", "/api/v1/processes"): (
        lambda w, k: (f"{API}/processes", None),
        only("process-owner"),
        None,
        False,
    ),
    ("POST", "/api/v1/processes"): (
        lambda w, k: (f"{API}/processes", LIFECYCLE_V2),
        only("process-owner", 201),
        None,
        False,
    ),
    ("GET", "/api/v1/processes/incidents"): (
        lambda w, k: (f"{API}/processes/incidents", None),
        only("process-owner"),
        None,
        False,
    ),
    ("POST", "/api/v1/processes/validate"): (
        lambda w, k: (f"{API}/processes/validate", LIFECYCLE_V2),
        only("process-owner"),
        None,
        False,
    ),
    ("GET", "/api/v1/processes/{process_id}/versions"): (
        lambda w, k: (f"{API}/processes/case_lifecycle/versions", None),
        only("process-owner"),
        None,
        False,
    ),
    ("GET", "/api/v1/processes/{process_id}/versions/{version}"): (
        lambda w, k: (f"{API}/processes/case_lifecycle/versions/1", None),
        only("process-owner"),
        None,
        False,
    ),
    ("GET", "/api/v1/processes/{process_id}/versions/{version}/xml"): (
        lambda w, k: (f"{API}/processes/case_lifecycle/versions/1/xml", None),
        only("process-owner"),
        None,
        False,
    ),
    ("POST", "/api/v1/processes/{process_id}/deploy"): (
        lambda w, k: (f"{API}/processes/case_lifecycle/deploy", {"version": 1}),
        only("process-owner"),
        None,
        False,
    ),
    ("POST", "/api/v1/processes/{process_id}/rollback"): (
        lambda w, k: (f"{API}/processes/case_lifecycle/rollback", {"version": 1}),
        only("process-owner"),
        None,
        False,
    ),
    ("POST", "/api/v1/processes/{process_id}/reset"): (
        lambda w, k: (f"{API}/processes/case_lifecycle/reset", None),
        only("process-owner"),
        None,
        False,
    ),
    ("GET", "/api/v1/forms"): (lambda w, k: (f"{API}/forms", None), only("process-owner"), None, False),
    ("GET", "/api/v1/forms/{form_key}"): (
        lambda w, k: (f"{API}/forms/consent", None),
        only("process-owner"),
        None,
        False,
    ),
    ("POST", "/api/v1/forms/validate"): (
        lambda w, k: (f"{API}/forms/validate", {"schema": TINY_FORM}),
        only("process-owner"),
        None,
        False,
    ),
    ("PUT", "/api/v1/forms/{form_key}"): (
        lambda w, k: (f"{API}/forms/matrix_note", {"schema": TINY_FORM}),
        only("process-owner"),
        None,
        False,
    ),
    ("POST", "/api/v1/forms/{form_key}/reset"): (
        lambda w, k: (f"{API}/forms/consent/reset", None),
        only("process-owner"),
        None,
        False,
    ),
    # Test runs and migrations: process owners only; a dry run lists cases by pseudonym only.
    ("POST", "/api/v1/processes/{process_id}/runs"): (
        lambda w, k: (f"{API}/processes/case_lifecycle/runs", {}),
        only("process-owner", 201),
        None,
        False,
    ),
    ("GET", "/api/v1/processes/{process_id}/runs"): (
        lambda w, k: (f"{API}/processes/case_lifecycle/runs", None),
        only("process-owner"),
        None,
        False,
    ),
    ("POST", "/api/v1/processes/{process_id}/migrations"): (
        lambda w, k: (f"{API}/processes/case_lifecycle/migrations", {"to_version": 1, "dry_run": True}),
        only("process-owner"),
        None,
        False,
    ),
}
# Topics, bodies, meetings and programme figures (rows and their world: tests/api/matrix_rows.py).
MATRIX.update(ESCALATION_ROWS)
MATRIX.update(STATE_ROWS)  # the state's view: no county role sees it
# Logging out ends the walk: keep that row last whatever is added above.
MATRIX[("DELETE", "/api/v1/auth/token")] = MATRIX.pop(("DELETE", "/api/v1/auth/token"))
# Access bugs found by this matrix: (method, path, role) -> reason; each has its own strict xfail.
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}


# --- the world ------------------------------------------------------------------------------------
def build_world(app, client, login) -> tuple[dict, dict]:
    """The three cases (see the module docstring) and their owners' headers."""
    world, heads = {}, {}
    start = (today_berlin() - timedelta(days=1)).isoformat()
    for key, (owner, place, person, agency) in WORLD.items():
        h = heads[owner] = login(owner)
        case = open_case(client, h, municipality=place, **person)
        cid = case["id"]
        complete(client, h, cid, "first_contact", d.FIRST_CONTACT)
        complete(client, h, cid, "consent", d.CONSENT_YES)
        complete(client, h, cid, "assessment", d.ASSESS_REFERRAL)
        complete(client, h, cid, "referral", {**d.REFERRAL, "agency": agency})
        assert client.post(f"{API}/cases/{cid}/followups", headers=h).status_code == 201
        complete(
            client,
            h,
            cid,
            "coordination_talk",
            {"talk_date": start, "responsible": "joint", "responsible_person": "Frau Berger"},
        )
        complete(
            client,
            h,
            cid,
            "job_start",
            {"placement_kind": "job", "employer": "Tischlerei", "start_date": start},
        )
        fresh = open_case(client, h, municipality=place, **person)
        consented = open_case(client, h, municipality=place, **person)  # a follow-up needs consent
        complete(client, h, consented["id"], "first_contact", d.FIRST_CONTACT)
        complete(client, h, consented["id"], "consent", d.CONSENT_YES)
        (referral,) = [
            r["id"] for r in client.get(f"{API}/referrals", headers=h).json["items"] if r["case_id"] == cid
        ]
        (consent,) = [
            c["id"]
            for c in client.get(f"{API}/cases/{cid}/consents", headers=h).json["items"]
            if c["agency"] == "jobcenter"
        ]
        world[key] = {
            "id": cid,
            "case_number": case["case_number"],
            "pseudonym": case["pseudonym"],
            "municipality": place,
            "fresh": fresh["id"],
            "consented": consented["id"],
            "task": fresh["open_tasks"][0]["id"],
            "referral": referral,
            "consent": consent,
            "person": person,
            "member": client.get(f"{API}/cases/{cid}/members", headers=h).json["items"][0]["id"],
        }
    with app.extensions["kim"]["sessions"]() as s:  # one failed timer per case, for the incident endpoints
        for w in world.values():
            timer = s.scalars(
                select(Timer)
                .join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
                .where(ProcessInstance.case_id == w["id"])
                .order_by(Timer.id)
            ).first()
            timer.status, timer.last_error = INCIDENT, "RuntimeError: test"
            w["timer"] = timer.id
        s.commit()
    add_topics(client, world, heads, login)
    add_documents(client, world, heads)
    add_goals(client, world, heads)
    return world, heads


def leaks(body: str) -> list[str]:
    return [v for v in SECRETS if v in body]


def check_pseudonymised(r, where: str) -> list[str]:
    """County roles see no client data: no names, birth dates, client key, history data."""
    problems = (
        [f"{where}: leaks {leaks(r.get_data(as_text=True))}"] if leaks(r.get_data(as_text=True)) else []
    )
    body = r.get_json(silent=True)
    if isinstance(body, dict):
        if "client" in body:
            problems.append(f"{where}: 'client' in body")
        if any(e.get("data") is not None for e in body.get("history", []) + body.get("items", [])):
            problems.append(f"{where}: history data")
        if any(i.get("client_name") is not None for i in body.get("items", [])) or body.get("client_name"):
            problems.append(f"{where}: client_name")
    return problems


def walk(client, world, role, headers) -> tuple[list[str], int]:
    """Call every matrix row as ``role`` (other scope first, then own); the list of mismatches."""
    problems, checks = [], 0
    for own in (False, True):
        key = (OWN if own else OTHER).get(role, "B" if own else "D")
        for (method, path), (build, expect, list_ids, scoped) in MATRIX.items():
            if (not scoped and not own) or (method, path, role) in KNOWN_BUGS:
                continue
            url, body = build(world, key)
            if isinstance(body, bytes):  # a BPMN upload
                r = client.open(
                    url, method=method, data=body, headers={**headers, "Content-Type": "application/xml"}
                )
            else:
                r = client.open(url, method=method, json=body, headers=headers)
            checks += 1
            where = f"{method} {path} as {role} ({'own' if own else 'other'} {key})"
            want = expect(role, own)
            if r.status_code != want:
                problems.append(f"{where}: {r.status_code} != {want} {r.get_data(as_text=True)[:200]}")
                continue
            if (
                list_ids
                and r.status_code == 200
                and (world[key]["id"] in list_ids(r.json)) != listed(role, own, path)
            ):
                problems.append(f"{where}: case {world[key]['id']} listed={not listed(role, own, path)}")
            if role in ("coordinator", "steering") or (role == "dpo" and path != "/api/v1/privacy/exports"):
                problems += check_pseudonymised(r, where)
    return problems, checks


# --- tests ------------------------------------------------------------------------------------------
def test_matrix_covers_every_endpoint(client):
    doc = client.get(f"{API}/openapi.json").json
    documented = {
        (m.upper(), p)
        for p, ops in doc["paths"].items()
        for m in ops
        if m in ("get", "post", "put", "patch", "delete")
    }
    assert documented >= PUBLIC
    assert set(MATRIX) == documented - PUBLIC, (
        "endpoints without a matrix row",
        documented - PUBLIC - set(MATRIX),
        "rows without an endpoint",
        set(MATRIX) - documented,
    )


@pytest.mark.slow  # every endpoint x every role (about 10 s)
def test_every_role_walks_every_endpoint(app, client, login):
    """One world, every role in turn. Case managers come last: their own-scope writes close
    their own case, which the others' rows (reads, 403s, 404s) do not depend on."""
    world, heads = build_world(app, client, login)
    problems, checks = [], 0
    for role in [r for r in ROLES if r not in CM] + list(CM):
        headers = heads.get(role) or login(role)
        found, n = walk(client, world, role, headers)
        problems += found
        checks += n
        # The DELETE /auth/token row logged this token out.
        assert client.get(f"{API}/cases", headers=headers).status_code == 401, role
    assert checks == sum(
        (2 if row[3] else 1)
        for (m, p), row in MATRIX.items()
        for role in ROLES
        if (m, p, role) not in KNOWN_BUGS
    )
    assert not problems, f"{len(problems)} of {checks} checks failed:\n" + "\n".join(problems)


def test_every_endpoint_refuses_requests_without_a_valid_token(client):
    world = {
        "B": {
            "id": 1,
            "fresh": 1,
            "consented": 1,
            "task": NO_TASK,
            "referral": 1,
            "consent": 1,
            "timer": 1,
            "municipality": "Borchen",
        }
    }
    for (method, path), (build, *_rest) in MATRIX.items():
        url, body = build(world, "B")
        for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic ZGVtbzpkZW1v"}):
            if isinstance(body, bytes):  # a BPMN upload
                r = client.open(
                    url, method=method, data=body, headers={**headers, "Content-Type": "application/xml"}
                )
            else:
                r = client.open(url, method=method, json=body, headers=headers)
            assert r.status_code == 401, (method, path, headers, r.status_code)
            assert r.mimetype == "application/problem+json"


@pytest.mark.parametrize("other", ["D", "U"])
def test_borchen_cannot_read_list_search_or_infer_a_delbrueck_case(app, client, login, other):
    """The issue's key sentence: a Borchen case manager learns nothing about a Delbrück case
    (D), nor about a case the UmA team holds in Borchen itself (U)."""
    world, heads = build_world(app, client, login)
    h, dc = heads["cm-borchen"], world[other]

    def urls(case_id, fresh_id, task_id, consent_id, referral_id):
        return [
            ("GET", f"{API}/cases/{case_id}", None),
            ("GET", f"{API}/cases/{case_id}/history", None),
            ("GET", f"{API}/cases/{case_id}/history?page=2", None),
            ("GET", f"{API}/cases/{case_id}/consents", None),
            ("POST", f"{API}/cases/{case_id}/consents", {"agency": "jmd", "given_on": "2026-11-02"}),
            ("POST", f"{API}/cases/{case_id}/consents/{consent_id}/withdrawal", None),
            ("POST", f"{API}/cases/{case_id}/consent-withdrawal", None),
            ("POST", f"{API}/cases/{fresh_id}/followups", None),
            ("POST", f"{API}/cases/{case_id}/followups", None),
            ("GET", f"{API}/tasks/{task_id}", None),
            ("POST", f"{API}/tasks/{task_id}/complete", {"data": d.FIRST_CONTACT}),
            ("POST", f"{API}/tasks/{task_id}/complete", {"data": {"contact_date": "kaputt"}}),
            ("GET", f"{API}/referrals/{referral_id}", None),
        ]

    real = urls(dc["id"], dc["fresh"], dc["task"], dc["consent"], dc["referral"])
    fake = urls(MISSING, MISSING, NO_TASK, MISSING, MISSING)
    for (method, url, body), (_, fake_url, _) in zip(real, fake, strict=True):
        r = client.open(url, method=method, json=body, headers=h)
        f = client.open(fake_url, method=method, json=body, headers=h)
        assert r.status_code == f.status_code == 404, (method, url, r.status_code, f.status_code)
        assert r.get_data() == f.get_data() and r.headers.get("Content-Type") == f.headers.get(
            "Content-Type"
        ), url
    for url in (
        f"{API}/cases?per_page=100",
        f"{API}/tasks?per_page=100",
        f"{API}/referrals?per_page=100",
        f"{API}/followups?within_days=366",
        f"{API}/followups?include=done",
    ):
        body = client.get(url, headers=h).get_data(as_text=True)
        assert not any(v in body for v in (*dc["person"].values(), dc["case_number"], dc["pseudonym"])), url
        assert dc["id"] not in [
            i["case_id" if "case_id" in i else "id"] for i in json.loads(body)["items"]
        ], url
    nothing = client.get(f"{API}/cases?q=Nobody-{MISSING}", headers=h).json
    for q in (
        dc["person"]["family_name"],
        dc["person"]["family_name"][:3].lower(),
        dc["case_number"],
        dc["pseudonym"],
        str(dc["id"]),
    ):
        assert client.get(f"{API}/cases", query_string={"q": q}, headers=h).json == nothing, q
    assert (
        client.get(f"{API}/tasks?case_id={dc['id']}", headers=h).json
        == client.get(f"{API}/tasks?case_id={MISSING}", headers=h).json
    )
    # The owner still sees her case, untouched.
    owner = heads[WORLD[other][0]]
    mine = client.get(f"{API}/cases/{dc['id']}", headers=owner)
    assert mine.status_code == 200 and mine.json["status"] == "open"
    assert client.get(f"{API}/tasks/{dc['task']}", headers=owner).json["status"] == "ready"
    assert all(
        c["in_force"] for c in client.get(f"{API}/cases/{dc['id']}/consents", headers=owner).json["items"]
    )


@pytest.mark.slow  # about 4 s
def test_the_addressed_authority_sees_the_referral_with_name_and_reason(app, client, login):
    world, _ = build_world(app, client, login)
    b = world["B"]
    abh, jobcenter = login("abh"), login("jobcenter")
    r = client.get(f"{API}/referrals/{b['referral']}", headers=abh)
    assert r.status_code == 200
    assert r.json["client_name"] == "Amina Haddad" and r.json["reason"] == d.REFERRAL["reason"]
    assert client.get(f"{API}/referrals/{b['referral']}", headers=jobcenter).status_code == 404
    listed_ = client.get(f"{API}/referrals?per_page=100", headers=jobcenter).json["items"]
    assert [i["case_id"] for i in listed_] == [world["D"]["id"]]
    assert {i["agency"] for i in client.get(f"{API}/referrals", headers=abh).json["items"]} == {
        "foreigners_authority"
    }
    for role in PSEUDO:
        r = client.get(f"{API}/referrals/{b['referral']}", headers=login(role))
        assert r.status_code == 200 and r.json["client_name"] is None and r.json["reason"] is None
