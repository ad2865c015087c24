"""Property-based API tests: schemathesis fuzzes every operation of our OpenAPI document in-process.

Checks: no 5xx, and status code, content type, headers and body match what the document says.
The fuzzing runs on its own copy of the database for this module, as a case manager (each operation:
schemathesis' coverage cases, unexpected methods included, plus generated ones), and as every other
role: coordinator, process owner, admin, Lenkungsgruppe, data-protection officer and authority staff
(generated ones only); bounded and derandomized, so that the module stays within about four minutes on
SQLite (marked slow).
"""

from __future__ import annotations

import shutil
import tempfile
import zlib
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from engine.config import Settings
from tests.api.helpers import open_case
from tests.conftest import _settings, clone_database, drop_database

# Fuzzes every operation (about 45 s of CPU)
pytestmark = pytest.mark.slow

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
FUZZ = settings(
    max_examples=8,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


def _openapi_document() -> dict:
    """The document as the app serves it; building the app opens no database connection."""
    from api.app import create_app

    data_dir = Path(tempfile.mkdtemp(prefix="kim-openapi-"))
    try:
        app = create_app(Settings(database_url="sqlite:///:memory:", data_dir=data_dir, log_level="WARNING"))
        return app.test_client().get("/api/v1/openapi.json").json
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


# Loaded at import: schemathesis 4.32's fixture-based loader (schemathesis.pytest.from_fixture) fails
# on pytest 9.2 (Function._nodeid is gone). Every call goes to the module's app through ``app=``.
schema = schemathesis.openapi.from_dict(_openapi_document())
# The other roles: generated cases only (the coverage cases are about the document, not the role).
light = schemathesis.openapi.from_dict(_openapi_document())
light.config.phases.update(phases=["examples", "fuzzing"])


class Tokens:
    """Bearer tokens of demo users, fetched once and again after the fuzzer revoked them."""

    def __init__(self, client):
        self.client, self.cache = client, {}

    def headers(self, username: str) -> dict[str, str]:
        if username not in self.cache:
            r = self.client.post("/api/v1/auth/token", json={"username": username, "password": "demo"})
            assert r.status_code == 200, r.json
            self.cache[username] = {"Authorization": "Bearer " + r.json["access_token"]}
        return self.cache[username]

    def after(self, case, response, username: str) -> None:
        """Forget tokens that a successful logout or revocation just invalidated."""
        if response.status_code >= 300:
            return
        if case.method.upper() == "DELETE" and case.path == "/api/v1/auth/token":
            self.cache.pop(username, None)
        if case.path == "/api/v1/auth/revocations" and isinstance(case.body, dict):
            self.cache.pop(case.body.get("username"), None)


@pytest.fixture(scope="module")
def fuzz_app(template_db, tmp_path_factory):
    """The app on a fresh copy of the database, with a few open cases so that small ids exist."""
    from api.app import create_app

    database = clone_database(template_db, tmp_path_factory.mktemp("schemathesis"))
    app = create_app(_settings(database))
    yield app
    app.extensions["kim"]["engine"].dispose()
    drop_database(database)


@pytest.fixture(scope="module")
def tokens(fuzz_app):
    return Tokens(fuzz_app.test_client())


@pytest.fixture(scope="module")
def task_ids(fuzz_app, tokens):
    """Ids of real tasks, so that task reads and completions (form validation) get fuzzed too."""
    client, headers = fuzz_app.test_client(), tokens.headers("cm-borchen")
    for _ in range(3):
        open_case(client, headers)
    r = client.get("/api/v1/tasks?per_page=100", headers=headers)
    return [t["id"] for t in r.json["items"]]


def _aim(case, task_ids) -> None:
    """Point about half of the valid (positive) cases' task ids and municipalities at real ones, so
    that the calls get past the lookups and fuzz what lies behind them (forms, opening cases)."""
    if case.meta is None or case.meta.generation.mode is not GenerationMode.POSITIVE:
        return
    pick = zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode())
    if pick % 2:
        return
    if isinstance((case.path_parameters or {}).get("task_id"), str):
        case.path_parameters["task_id"] = task_ids[pick // 2 % len(task_ids)]
    for args in (case.body, case.query):
        if isinstance(args, dict) and isinstance(args.get("municipality"), str):
            args["municipality"] = "Borchen"


def _call(case, app, tokens, username, task_ids):
    _aim(case, task_ids)
    response = case.call(app=app, headers=tokens.headers(username))
    tokens.after(case, response, username)
    case.validate_response(response, checks=CHECKS)


@pytest.mark.slow
@schema.parametrize()
@FUZZ
def test_api_as_case_manager(case, fuzz_app, tokens, task_ids):
    _call(case, fuzz_app, tokens, "cm-borchen", task_ids)


@pytest.mark.slow
@light.parametrize()
@FUZZ
def test_api_as_coordinator(case, fuzz_app, tokens, task_ids):
    _call(case, fuzz_app, tokens, "coordinator", task_ids)


@pytest.mark.slow
@light.parametrize()
@FUZZ
def test_api_as_process_owner(case, fuzz_app, tokens, task_ids):
    _call(case, fuzz_app, tokens, "process-owner", task_ids)


@pytest.mark.slow
@light.parametrize()
@FUZZ
def test_api_as_admin(case, fuzz_app, tokens, task_ids):
    _call(case, fuzz_app, tokens, "admin", task_ids)


@pytest.mark.slow
@light.parametrize()
@FUZZ
def test_api_as_steering_member(case, fuzz_app, tokens, task_ids):
    _call(case, fuzz_app, tokens, "steering", task_ids)


@pytest.mark.slow
@light.parametrize()
@FUZZ
def test_api_as_data_protection_officer(case, fuzz_app, tokens, task_ids):
    _call(case, fuzz_app, tokens, "dpo", task_ids)


@pytest.mark.slow
@light.parametrize()
@FUZZ
def test_api_as_authority(case, fuzz_app, tokens, task_ids):
    _call(case, fuzz_app, tokens, "abh", task_ids)


def test_every_error_is_documented_as_problem_json():
    document = schema.raw_schema
    problems = document["components"]["responses"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            errors = {k: v for k, v in operation["responses"].items() if k == "default" or k[0] in "45"}
            assert "default" in errors and "503" in errors, (method, path)
            assert "401" in errors or operation.get("security") == [], (method, path)
            for ref in errors.values():
                content = problems[ref["$ref"].rsplit("/", 1)[1]]["content"]
                assert list(content) == ["application/problem+json"], (method, path)


def test_ids_beyond_the_database_range_are_404_not_500(fuzz_app, tokens):
    client, headers = fuzz_app.test_client(), tokens.headers("cm-borchen")
    big = 2**31
    for url in (f"/api/v1/cases/{big}", f"/api/v1/cases/{10**30}/history"):
        r = client.get(url, headers=headers)
        assert r.status_code == 404 and r.mimetype == "application/problem+json", url
    r = client.get(f"/api/v1/tasks?case_id={10**30}", headers=headers)
    assert r.status_code == 422 and "case_id" in r.json["errors"]
