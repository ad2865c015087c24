"""Access matrix across two tenants: Kreis Paderborn (the seed) and Kreis Quellental
(tests/api/tenant_world.py) in one database.

For every endpoint of the OpenAPI document with an id in its path (the rows of
tests/api/test_access_matrix.py) and every role of Paderborn, the request with Quellental's id is
answered exactly like the same request with an id nobody has: status, content type and body byte
for byte. The same for ids and names sent in the query or the body (``BODY_ROWS``). Quellental's rows
(tests/api/tenant_snapshot.py) are the same before and after all of it, and no list, search, figure,
export or audit answer to Paderborn names anything of Quellental's (``MARKERS``, ids, case numbers,
pseudonyms).

Left out here: the process and form versions (``/processes/{process_id}/...``, ``/forms/{form_key}``)
have no tenant yet; the versions lane gives them one, and their rows join ``PATH_ROWS`` then.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace

import pytest

from api.app import create_app
from engine.clock import today_berlin
from tests.api.matrix_rows import OFFER
from tests.api.tenant_snapshot import changes, tenant_rows
from tests.api.tenant_web_rows import ID_PAGES, LIST_PAGES, echoes, fill
from tests.api.tenant_world import (
    MARKERS,
    MISSING,
    add_tenant,
    build_tenant_world,
    missing_world,
)
from tests.api.test_access_matrix import MATRIX, ROLES, build_world
from tests.conftest import _settings, clone_database, drop_database
from tests.tenant_login import tenant_of
from tests.web.helpers import web_login

API = "/api/v1"
VERSIONS_LANE = ("/api/v1/processes/", "/api/v1/forms/")  # no tenant yet: the versions lane's rows
# Rows whose builder names a fixed id or a Paderborn user: the same request with the world's ids.
OWN_BUILDERS: dict[tuple[str, str], Callable] = {
    ("GET", "/api/v1/offers/{offer_id}"): lambda w, k: (f"{API}/offers/{w[k]['offer']}", None),
    ("PUT", "/api/v1/offers/{offer_id}"): lambda w, k: (f"{API}/offers/{w[k]['offer']}", OFFER),
    ("POST", "/api/v1/offers/{offer_id}/retire"): lambda w, k: (f"{API}/offers/{w[k]['offer']}/retire", None),
    ("GET", "/api/v1/offers/{offer_id}/versions"): lambda w, k: (
        f"{API}/offers/{w[k]['offer']}/versions",
        None,
    ),
    ("GET", "/api/v1/checks/{check_id}"): lambda w, k: (f"{API}/checks/{w[k]['check']}", None),
    ("POST", "/api/v1/checks/{check_id}/goals"): lambda w, k: (
        f"{API}/checks/{w[k]['check']}/goals",
        {"criterion": "b_language"},
    ),
    ("POST", "/api/v1/tasks/{task_id}/assign"): lambda w, k: (
        f"{API}/tasks/{w[k]['task']}/assign",
        {"username": "cm-borchen"},
    ),
}
PATH_ROWS = {
    key: OWN_BUILDERS.get(key, row[0])
    for key, row in MATRIX.items()
    if "{" in key[1]
    and not key[1].startswith(VERSIONS_LANE)
    and key[1] != "/api/v1/sheets/catalogues/{language}"  # a language, not a row: tested below
}


def _today():
    return today_berlin().isoformat()


# Ids and names in the query or the body; a(Paderborn's world) and x(Quellental's or the missing
# one) -> (method, url, json body).
BODY_ROWS: dict[str, Callable] = {
    "tasks of a case": lambda a, x: ("GET", f"{API}/tasks?case_id={x['id']}", None),
    "audit of a case": lambda a, x: ("GET", f"{API}/audit?case_id={x['id']}", None),
    "Art. 15 export": lambda a, x: (
        "POST",
        f"{API}/privacy/exports",
        {"reason": "Antrag vom 01.11.2026", "case_id": x["id"]},
    ),
    "topic linking a case": lambda a, x: (
        "POST",
        f"{API}/topics",
        {
            "title": "Wartezeiten",
            "category": "language",
            "municipality": a["municipality"],
            "description": "Aus der Fallarbeit.",
            "case_ids": [x["id"]],
        },
    ),
    "meeting of a body": lambda a, x: (
        "POST",
        f"{API}/meetings",
        {"body_id": x["body"], "meets_on": _today()},
    ),
    "minutes naming a topic": lambda a, x: (
        "POST",
        f"{API}/meetings/{a['meeting']}/minutes",
        {"items": [{"topic_id": x["topic"], "data": {}}]},
    ),
    "offer link": lambda a, x: (
        "POST",
        f"{API}/cases/{a['consented']}/offer-links",
        {"offer_id": x["offer"], "goal_id": a["goal"]},
    ),
    "offer link to a goal": lambda a, x: (
        "POST",
        f"{API}/cases/{a['consented']}/offer-links",
        {"offer_id": MISSING, "goal_id": x["goal"]},
    ),
    "referral of members": lambda a, x: (
        "POST",
        f"{API}/cases/{a['consented']}/referrals",
        {
            "agency": "jobcenter",
            "member_ids": [x["member"]],
            "need": "housing",
            "reason": "Wohnungssuche",
            "referral_date": _today(),
        },
    ),
    "task handed to a user": lambda a, x: (
        "POST",
        f"{API}/tasks/{a['task']}/assign",
        {"username": x["username"]},
    ),
    "tokens revoked": lambda a, x: ("POST", f"{API}/auth/revocations", {"username": x["username"]}),
    "duplicates of a person": lambda a, x: ("POST", f"{API}/duplicates/check", dict(x["person"])),
    "case search by name": lambda a, x: ("GET", f"{API}/cases?q={x['person']['family_name']}", None),
    "case search by number": lambda a, x: ("GET", f"{API}/cases?q={x['case_number']}", None),
    "case search by pseudonym": lambda a, x: ("GET", f"{API}/cases?q={x['pseudonym']}", None),
}
# The ids a refusal may name because the request named them (the message quotes the input).
ECHOED_IDS = {"referral of members": ("member",)}
# Lists, searches, figures, exports and the audit trail: scanned for Quellental's markers and ids.
LISTS = (
    "/cases?per_page=100",
    "/tasks?per_page=100",
    "/followups?within_days=366",
    "/followups?include=done",
    "/referrals?per_page=100",
    "/referrals/inbox",
    "/incidents",
    "/audit?per_page=100",
    "/topics?per_page=100",
    "/topics/overdue",
    "/bodies",
    "/meetings",
    "/reports/figures",
    "/reports/referrals",
    "/offers?life_area=language",
    "/offers/export",
    "/offers/gaps",
    "/offers/analysis",
    "/sheets/catalogues",
    "/processes/incidents",
    "/processes/case_lifecycle/insight",
    "/processes/case_lifecycle/runs",
    "/eventlog.xes",
    "/eventlog.jsonocel",
)


def send(client, headers, method, url, body):
    r = client.open(url, method=method, json=body, headers=headers)
    return r.status_code, r.headers.get("Content-Type"), r.get_data()


def same_as_missing(client, headers, theirs, missing, swaps=()) -> str | None:
    """None if Quellental's request is answered like the missing one, else what differs."""
    got, want = send(client, headers, *theirs), send(client, headers, *missing)
    body = got[2]
    for old, new in swaps:
        body = body.replace(old.encode(), new.encode())
    if (got[0], got[1], body) == want:
        return None
    return f"{got[0]} {got[2][:160]!r} != {want[0]} {want[2][:160]!r}"


@pytest.fixture(scope="module")
def two(template_db, tmp_path_factory):
    """One database for the module: Paderborn's world (tests/api/test_access_matrix.py), Quellental's
    (tests/api/tenant_world.py) and the ids nobody has. The tests change nothing of either."""
    folder = tmp_path_factory.mktemp("tenants")
    database = clone_database(template_db, folder)
    app = create_app(_settings(database))
    client = app.test_client()

    def login(username: str) -> dict[str, str]:
        body = {"username": username, "password": "demo", "tenant": tenant_of(app, username)}
        r = client.post(f"{API}/auth/token", json=body)
        assert r.status_code == 200, r.json
        return {"Authorization": "Bearer " + r.json["access_token"]}

    tenant = add_tenant(app, folder)
    paderborn, heads = build_world(app, client, login)
    theirs = build_tenant_world(app, client, login)
    theirs.update(username="qt-cm", user=theirs["users"]["qt-cm"])
    missing = {
        **missing_world(),
        "username": "niemand",
        "user": MISSING,
        "case_number": "QT-2026-999999",
        "pseudonym": "K-ZZZZZZZZZZ",
    }
    yield SimpleNamespace(
        app=app,
        client=client,
        db=database,
        tenant=tenant,
        own=paderborn["B"],
        theirs=theirs,
        missing=missing,
        heads={role: heads.get(role) or login(role) for role in ROLES},
    )
    app.extensions["kim"]["engine"].dispose()
    drop_database(database)


def test_the_matrix_covers_every_endpoint_with_an_id(two):
    doc = two.client.get(f"{API}/openapi.json").json
    with_ids = {
        (m.upper(), p) for p, ops in doc["paths"].items() for m in ops if "{" in p and m != "parameters"
    }
    left_out = {k for k in with_ids if k[1].startswith(VERSIONS_LANE)}
    assert set(PATH_ROWS) == with_ids - left_out - {
        ("PUT", "/api/v1/sheets/catalogues/{language}"),
        ("DELETE", "/api/v1/sheets/catalogues/{language}"),
    }


@pytest.mark.slow  # every endpoint with an id x every role, twice (about 20 s)
def test_another_tenants_ids_are_answered_like_missing_ones(two):
    client, theirs, missing = two.client, two.theirs, two.missing
    before = tenant_rows(two.db.engine, two.tenant)
    names = [(theirs[k], missing[k]) for k in ("username", "case_number", "pseudonym")]
    names += [(theirs["person"][k], missing["person"][k]) for k in theirs["person"]]
    problems, checks = [], 0
    for role, headers in two.heads.items():
        for (method, path), build in PATH_ROWS.items():
            (url, body), (fake_url, fake_body) = build({"X": theirs}, "X"), build({"X": missing}, "X")
            found = same_as_missing(client, headers, (method, url, body), (method, fake_url, fake_body))
            checks += 1
            if found:
                problems.append(f"{method} {path} as {role}: {found}")
        for name, build in BODY_ROWS.items():
            swaps = names + [(str(theirs[k]), str(missing[k])) for k in ECHOED_IDS.get(name, ())]
            found = same_as_missing(client, headers, build(two.own, theirs), build(two.own, missing), swaps)
            checks += 1
            if found:
                problems.append(f"{name} as {role}: {found}")
        # a language, not an id: Quellental's own Arabic catalogue is not Paderborn's to remove
        status = client.delete(f"{API}/sheets/catalogues/ar", headers=headers).status_code
        if status != MATRIX[("DELETE", "/api/v1/sheets/catalogues/{language}")][1](role, True):
            problems.append(f"DELETE /sheets/catalogues/ar as {role}: {status}")
    assert checks == len(ROLES) * (len(PATH_ROWS) + len(BODY_ROWS))
    assert not problems, f"{len(problems)} of {checks} checks failed:\n" + "\n".join(problems)
    assert changes(before, tenant_rows(two.db.engine, two.tenant)) == []


CSRF = re.compile(rb'(?<=csrf-token" content=")[^"]+|(?<=name="csrf_token" value=")[^"]+')


def first_difference(a: bytes, b: bytes) -> str:
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"at {at}: {a[max(0, at - 80) : at + 80]!r} / {b[max(0, at - 80) : at + 80]!r}"


def scan(text: str, theirs: dict) -> list[str]:
    """Quellental's markers, case numbers and pseudonyms found in ``text``."""
    return [m for m in (*MARKERS, theirs["case_number"], theirs["pseudonym"]) if m in text]


def case_ids(value, found: set) -> set:
    """Every ``case_id`` in a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "case_id" and isinstance(item, int):
                found.add(item)
            case_ids(item, found)
    elif isinstance(value, list):
        for item in value:
            case_ids(item, found)
    return found


def not_own_reads(trail: dict) -> list:
    """The audit trail without the DPO's own reads of it: they record her filter as she typed it
    (the walk above asked for Quellental's ids, and for missing ones alike)."""
    return [i for i in trail["items"] if i["action"] != "audit.read"]


@pytest.mark.slow  # every list x every role (about 5 s)
def test_no_list_search_figure_export_or_audit_names_another_tenant(two):
    client, theirs = two.client, two.theirs
    their_cases = {theirs["id"], theirs["fresh"], theirs["consented"]}
    problems, read = [], 0
    for role, headers in two.heads.items():
        for path in LISTS:
            r = client.get(API + path, headers=headers)
            if r.status_code != 200:
                continue
            read += 1
            found = scan(r.get_data(as_text=True), theirs)
            body = r.get_json(silent=True)
            ids = case_ids(not_own_reads(body) if path.startswith("/audit") else body, set()) & their_cases
            if path.startswith("/cases?"):
                ids |= {i["id"] for i in body["items"]} & their_cases
            if path == "/sheets/catalogues":  # Quellental's own Arabic catalogue is not Paderborn's
                found += [i["code"] for i in body["items"] if i["source"] == "tenant"]
            if found or ids:
                problems.append(f"{path} as {role}: {found} {sorted(ids)}")
    # the DPO's Art. 15 export of Paderborn's own case, and the whole audit trail, page by page
    dpo = two.heads["dpo"]
    r = client.post(
        f"{API}/privacy/exports", json={"reason": "Antrag", "case_id": two.own["id"]}, headers=dpo
    )
    assert r.status_code == 200 and not scan(r.get_data(as_text=True), theirs)
    page = 1
    while True:
        r = client.get(f"{API}/audit?per_page=100&page={page}", headers=dpo)
        assert r.status_code == 200 and not scan(r.get_data(as_text=True), theirs), page
        assert not case_ids(not_own_reads(r.json), set()) & their_cases, page
        if not r.json["items"] or page * 100 >= r.json.get("total", 0):
            break
        page += 1
    assert read > 60
    assert not problems, "\n".join(problems)


def test_their_own_roles_still_see_their_world(two):
    """Quellental's own roles see what Paderborn's could not: the probes and markers are real."""
    client, theirs = two.client, two.theirs

    def get(username: str, path: str):
        body = {"username": username, "password": "demo", "tenant": tenant_of(client.application, username)}
        token = client.post(f"{API}/auth/token", json=body).json
        return client.get(API + path, headers={"Authorization": "Bearer " + token["access_token"]})

    assert get("qt-cm", f"/cases/{theirs['id']}").status_code == 200
    assert get("qt-cm", f"/tasks/{theirs['task']}").json["status"] == "ready"
    assert get("qt-cm", f"/cases/{theirs['id']}/documents/{theirs['document']}/download").status_code == 200
    assert "Quellbacher" in get("qt-coordinator", "/topics?per_page=100").get_data(as_text=True)
    assert "Quellbacher" in get("qt-coordinator", "/offers?life_area=language").get_data(as_text=True)
    assert "qt-cm" in get("qt-dpo", "/audit?per_page=100").get_data(as_text=True)
    assert [i["id"] for i in get("qt-admin", "/incidents").json] == [theirs["timer"]]
    assert "Quellentaler" in get("qt-process-owner", "/processes/incidents").get_data(as_text=True)
    catalogues = get("qt-process-owner", "/sheets/catalogues").json["items"]
    assert [i["code"] for i in catalogues if i["source"] == "tenant"] == ["ar"]
    assert client.get(f"{API}/cases/{theirs['id']}", headers=two.heads["cm-borchen"]).status_code == 404


@pytest.mark.slow  # every page with an id x every role, twice (about 10 s)
def test_pages_answer_another_tenants_ids_like_missing_ones_and_list_none_of_it(two):
    theirs, missing = two.theirs, two.missing
    before = tenant_rows(two.db.engine, two.tenant)
    problems = []
    for role in ROLES:
        client = two.app.test_client()
        csrf = web_login(client, role)
        for method, address, form, echoed in ID_PAGES:
            answers = []
            for world in (theirs, missing):
                data = {k: fill(world, v) for k, v in form.items()} if form is not None else None
                if data is not None:
                    data["csrf_token"] = csrf
                # redirects followed: the page after one shows its flashed message
                r = client.open(fill(world, address), method=method, data=data, follow_redirects=True)
                where = [(h.status_code, h.headers.get("Location")) for h in r.history]
                answers.append((r.status_code, r.headers.get("Content-Type"), where, CSRF.sub(b"", r.data)))
            got, want = answers
            body = got[3]
            for old, new in zip(echoes(theirs, echoed), echoes(missing, echoed), strict=True):
                body = body.replace(old.encode(), new.encode())
            if (*got[:3], body) != want:
                problems.append(
                    f"{method} {address} as {role}: {got[0]} != {want[0]} {first_difference(body, want[3])}"
                )
        for address in LIST_PAGES:
            r = client.get(address)
            if r.status_code == 200 and scan(r.get_data(as_text=True), theirs):
                problems.append(f"{address} as {role}: {scan(r.get_data(as_text=True), theirs)}")
    assert not problems, f"{len(problems)} pages differ:\n" + "\n".join(problems)
    assert changes(before, tenant_rows(two.db.engine, two.tenant)) == []
