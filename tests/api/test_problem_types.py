"""Every problem kind has its own ``type`` URI, listed in the OpenAPI document and in docs/api.md."""

from __future__ import annotations

import ast
import re

import pytest
from sqlalchemy import event

from api.errors import PROBLEM_TYPE_BASE, type_uri
from engine.config import PROJECT_ROOT
from engine.errors import Conflict, KimError
from engine.problem_kinds import KINDS
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case, ready

API = "/api/v1"
ERRORS = {
    "NotFound",
    "Forbidden",
    "Unauthorized",
    "LoginRefused",
    "Conflict",
    "InvalidInput",
    "ProcessFailure",
    "KimError",
    "DataKeyError",
}


def _type(response) -> str:
    assert response.mimetype == "application/problem+json", response.data
    return response.json["type"]


def _documented_in_openapi(client) -> set[str]:
    doc = client.get(f"{API}/openapi.json").json
    enum = set(doc["components"]["schemas"]["Problem"]["properties"]["type"]["enum"])
    listed = {entry["type"] for entry in doc["x-problem-types"]}
    assert enum == listed
    return enum


def _documented_in_docs() -> dict[str, str]:
    rows = re.findall(
        r"^\| `(https://[^`]+)` \| (\w+) \|", (PROJECT_ROOT / "docs" / "api.md").read_text(), re.MULTILINE
    )
    return dict(rows)


def test_the_two_409s_have_distinct_types(client, login, app):
    cm = login("cm-borchen")
    case = open_case(client, cm)
    (first,) = [t for t in ready(client, cm, case["id"]) if t["bpmn_id"] == "first_contact"]
    complete(client, cm, case["id"], "first_contact", d.FIRST_CONTACT)
    done = client.post(f"{API}/tasks/{first['id']}/complete", json={"data": d.FIRST_CONTACT}, headers=cm)
    assert done.status_code == 409 and _type(done) == PROBLEM_TYPE_BASE + "task-already-done"

    # Another writer saves the instance between our load and our save: the optimistic lock refuses.
    # (On PostgreSQL the save goes out with the step's other writes as one statement, engine/writes.py.)
    bumped: list[str] = []

    def bump_first(_conn, cursor, statement, *_rest):
        if not bumped and "UPDATE process_instances" in statement:
            bumped.append(statement)
            cursor.connection.execute("UPDATE process_instances SET lock_version = lock_version + 1")

    engine = app.extensions["kim"]["engine"]
    (consent,) = [t for t in ready(client, cm, case["id"]) if t["bpmn_id"] == "consent"]
    event.listen(engine, "before_cursor_execute", bump_first)
    try:
        raced = client.post(f"{API}/tasks/{consent['id']}/complete", json={"data": d.CONSENT_YES}, headers=cm)
    finally:
        event.remove(engine, "before_cursor_execute", bump_first)
    assert bumped
    assert raced.status_code == 409 and _type(raced) == PROBLEM_TYPE_BASE + "concurrent-change"
    assert raced.json["detail"] != done.json["detail"]
    # Nothing of the refused completion was saved: the consent task is still ready.
    assert consent["id"] in {t["id"] for t in ready(client, cm, case["id"])}


def test_404_403_401_422_each_carry_their_type(client, login):
    cm = login("cm-borchen")
    answers = {
        "not-found": client.get(f"{API}/cases/999999", headers=cm),
        "forbidden": client.get(f"{API}/forms", headers=cm),
        "unauthenticated": client.get(f"{API}/cases"),
        "login-refused": client.post(
            f"{API}/auth/token", json={"username": "cm-borchen", "password": "falsch"}
        ),
        "validation-failed": client.post(f"{API}/cases", json={"municipality": "Borchen"}, headers=cm),
        "out-of-scope": client.post(
            f"{API}/cases",
            json={
                "municipality": "Delbrück",
                "client": {"given_name": "A", "family_name": "B", "birth_date": "1990-01-01"},
            },
            headers=cm,
        ),
        "method-not-allowed": client.delete(f"{API}/cases", headers=cm),
        "bad-request": client.post(
            f"{API}/cases", data="{", headers={**cm, "Content-Type": "application/json"}
        ),
    }
    for kind, response in answers.items():
        assert response.status_code == KINDS[kind].status, (kind, response.json)
        assert _type(response) == type_uri(kind), (kind, response.json)
    assert answers["validation-failed"].json["errors"]


def test_consent_missing_has_its_own_type(client, login):
    cm = login("cm-borchen")
    case = open_case(client, cm)
    complete(client, cm, case["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, cm, case["id"], "consent", {**d.CONSENT_YES, "confidentiality_release_agencies": []})
    complete(client, cm, case["id"], "assessment", d.ASSESS_REFERRAL)
    (task,) = [t for t in ready(client, cm, case["id"]) if t["bpmn_id"] == "referral"]
    r = client.post(f"{API}/tasks/{task['id']}/complete", json={"data": d.REFERRAL}, headers=cm)
    assert r.status_code == 422 and _type(r) == type_uri("consent-missing")
    assert r.json["errors"]["agency"]


def test_every_kind_is_listed_in_openapi_and_docs(client):
    in_openapi = _documented_in_openapi(client)
    in_docs = _documented_in_docs()
    for kind, known in KINDS.items():
        uri = type_uri(kind)
        assert uri in in_openapi, uri
        assert in_docs.get(uri) == (str(known.status) if known.status else "any"), uri
    assert set(in_docs) == in_openapi  # nothing documented that the code does not know


def test_every_returned_type_is_documented(client, login):
    """Problems from many corners of the API: each type it answers with is in both documents."""
    in_openapi, in_docs = _documented_in_openapi(client), set(_documented_in_docs())
    cm, owner = login("cm-borchen"), login("process-owner")
    seen = {
        _type(r)
        for r in [
            client.get(f"{API}/nothing-here"),
            client.get(f"{API}/forms/nope", headers=owner),
            client.put(f"{API}/forms/consent", json={"schema": {"type": "array"}}, headers=owner),
            client.post(f"{API}/cases", data="x", headers={**cm, "Content-Type": "text/plain"}),
            client.get(f"{API}/tasks/999999", headers=cm),
            client.get(f"{API}/cases", headers={"Authorization": "Bearer nope"}),
        ]
    }
    assert seen and seen <= in_openapi and seen <= in_docs
    assert type_uri("not-deployed") in seen and type_uri("form-invalid") in seen


def _raise_sites():
    for path in [*PROJECT_ROOT.glob("engine/**/*.py"), *PROJECT_ROOT.glob("api/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Raise)
                and isinstance(node.exc, ast.Call)
                and isinstance(node.exc.func, ast.Name)
                and node.exc.func.id in ERRORS
            ):
                yield path.relative_to(PROJECT_ROOT), node.lineno, node.exc


def test_every_raise_names_a_registered_kind_of_its_status():
    import engine.crypto
    import engine.errors

    classes = {name: getattr(engine.errors, name, None) or getattr(engine.crypto, name) for name in ERRORS}
    sites = list(_raise_sites())
    assert len(sites) > 100  # the scan sees the code
    for path, line, call in sites:
        cls = classes[call.func.id]
        kind = next((k.value.value for k in call.keywords if k.arg == "kind"), cls.kind)
        assert kind in KINDS and KINDS[kind].status == cls.status, (str(path), line, kind)
    # Every 409 names its situation: the generic "conflict" is only a fallback.
    generic = [
        (str(p), n)
        for p, n, c in sites
        if c.func.id == "Conflict" and not any(k.arg == "kind" for k in c.keywords)
    ]
    assert not generic


def test_a_kind_of_another_status_is_refused_at_once():
    with pytest.raises(ValueError):
        Conflict("x", kind="not-found")
    with pytest.raises(ValueError):
        KimError("x", kind="no-such-kind")
    assert Conflict("x", kind="case-closed").kind == "case-closed"
