"""A lone surrogate and a NUL in every string of every operation and web form: a German 422, nothing saved.

The operations come from the app's own OpenAPI document; each JSON body is a minimal body of the
documented shape, with one string at a time replaced. Sent as a logged-in case manager and without
login (the check runs before authentication). Web forms: every POST route of the pages, urlencoded
and multipart, with the session's CSRF token.
"""

from __future__ import annotations

import copy
import json
import re
from urllib.parse import quote

import pytest
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder, run_wsgi_app

from engine.db import Base
from tests.api.helpers import open_case, ready
from tests.web.helpers import csrf_from, web_login

BAD = {"surrogate": "a\ud800b", "nul": "a\x00b"}
ID_PARAM = re.compile(r"\{([^}]+)\}")


def _resolve(doc, schema):
    while isinstance(schema, dict) and "$ref" in schema:
        node = doc
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema or {}


def sample(doc, schema, depth: int = 0):
    """A minimal value of the documented shape: every property present, one item per list."""
    schema = _resolve(doc, schema)
    for key in ("allOf", "oneOf", "anyOf"):
        if key in schema:
            if key == "allOf":
                merged: dict = {"type": "object", "properties": {}}
                for part in schema["allOf"]:
                    merged["properties"].update(_resolve(doc, part).get("properties", {}))
                return sample(doc, merged, depth)
            return sample(doc, schema[key][0], depth)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 5:
            return {}
        props = {
            k: v for k, v in schema.get("properties", {}).items() if not _resolve(doc, v).get("readOnly")
        }
        if not props:
            return {"feld": "x"}
        return {k: sample(doc, v, depth + 1) for k, v in props.items()}
    if kind == "array":
        return [sample(doc, schema.get("items", {"type": "string"}), depth + 1)]
    if kind in ("integer", "number"):
        return 1
    if kind == "boolean":
        return True
    return {"date": "2026-01-15", "date-time": "2026-01-15T10:00:00Z"}.get(schema.get("format"), "x")


def string_paths(value, path=()):
    """Every place in ``value`` that holds a string."""
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from string_paths(child, (*path, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from string_paths(child, (*path, i))


def replaced(value, path, new):
    if not path:
        return new
    out = copy.deepcopy(value)
    node = out
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = new
    return out


def counts(db) -> dict[str, int]:
    """Rows per table (login tokens aside: logging in is how the sweep starts)."""
    import engine.models  # noqa: F401 - every table on the metadata

    with db.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
            if t.name != "api_tokens"
        }


def operations(doc):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, op


def _url(text: str) -> str:
    """``text`` percent-encoded as a client would try to send it.

    A URL or form body is bytes: a lone surrogate travels as its would-be UTF-8 bytes, which are
    not valid UTF-8.
    """
    return quote(text, safe="", errors="surrogatepass")


def _assert_refused(r, where):
    assert r.status_code == 422, (where, r.status_code, r.get_data(as_text=True)[:300])
    assert r.mimetype == "application/problem+json", where
    assert "unzulässiges Zeichen" in r.json["detail"], where


def test_every_operation_refuses_a_lone_surrogate_and_nul_in_every_string(client, login, db):
    cm = login("cm-borchen")
    case = open_case(client, cm)
    task_id = ready(client, cm, case["id"])[0]["id"]
    doc = client.get("/api/v1/openapi.json").json
    path_values = {"task_id": task_id, "form_key": "first_contact", "process_id": "case_lifecycle"}
    before = counts(db)
    sent = 0
    for path, method, op in operations(doc):
        params = {p["name"]: p for p in op.get("parameters", []) + doc["paths"][path].get("parameters", [])}
        url = ID_PARAM.sub(lambda m: str(path_values.get(m.group(1), case["id"])), path)
        body_schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        body = sample(doc, body_schema) if body_schema else None
        cases = []
        for name, p in params.items():
            if p.get("in") == "query":
                cases += [("query", name, bad) for bad in BAD.values()]
            elif p.get("in") == "path" and _resolve(doc, p.get("schema", {})).get("type") == "string":
                cases += [("path", name, bad) for bad in BAD.values()]
        if body is not None:
            cases += [("json", where, bad) for where in string_paths(body) for bad in BAD.values()]
            cases += [("json", ("deep",), bad) for bad in BAD.values()] if isinstance(body, dict) else []
        for location, where, bad in cases:
            kwargs: dict = {}
            target = url
            if location == "query":
                kwargs["query_string"] = f"{quote(where)}={_url(bad)}"
            elif location == "path":
                target = ID_PARAM.sub(
                    lambda m: str(path_values.get(m.group(1), case["id"])),
                    path.replace("{" + where + "}", _url(bad)),
                )
            else:
                value = {"x": [{"y": bad}]} if where == ("deep",) else bad
                data = replaced(body, where, value) if where != ("deep",) else {**body, "deep": value}
                kwargs["data"] = json.dumps(data)  # the escape "\ud800" travels as JSON allows
                kwargs["content_type"] = "application/json"
            for headers in (cm, {}):
                r = client.open(target, method=method.upper(), headers=headers, **kwargs)
                _assert_refused(r, (method, path, location, where, repr(bad), bool(headers)))
                sent += 1
    assert sent >= 300  # the sweep reached the operations (a broken walk would send nothing)
    assert counts(db) == before


def test_login_with_a_lone_surrogate_or_nul_is_a_422_not_a_500(client):
    for bad in BAD.values():
        for field in ("username", "password"):
            body = {"username": "cm-borchen", "password": "demo", field: bad}
            r = client.post("/api/v1/auth/token", data=json.dumps(body), content_type="application/json")
            _assert_refused(r, field)


def test_nesting_deeper_than_any_old_limit_is_looked_at(client, login, db):
    levels = 150  # 300 levels of objects and lists; the old check stopped looking at 64
    body = '{"schema":' + '{"n":[' * levels + '"a\\u0000b"' + "]}" * levels + "}"
    before = counts(db)
    r = client.put(
        "/api/v1/forms/first_contact",
        data=body,
        content_type="application/json",
        headers=login("process-owner"),
    )
    _assert_refused(r, "depth 300")
    assert counts(db) == before


def test_headers_the_app_reads(client, app):
    bad = "a\x00b"  # HTTP headers are bytes: a surrogate cannot be sent in one
    r = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {bad}"})
    _assert_refused(r, "authorization")
    # The test client replaces the Cookie header from its own jar: the raw WSGI call sends it as is.
    for path in ("/api/v1/cases", "/"):
        environ = EnvironBuilder(path=path, headers={"Cookie": f"kim_session={bad}"}).get_environ()
        body, status, _headers = run_wsgi_app(app.wsgi_app, environ, buffered=True)
        assert status.startswith("422"), (path, status)
        assert "unzul" in b"".join(body).decode().lower(), path


def _web_routes(app):
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and not rule.rule.startswith("/api/"):
            yield re.sub(r"<(?:\w+:)?(\w+)>", "1", rule.rule)


def _raw(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _multipart(fields: dict[str, str], filename: str | None = None) -> tuple[bytes, str]:
    """A multipart body built by hand (the test client refuses to encode a lone surrogate)."""
    boundary = "kimgrenze"
    parts = [
        b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
        % (boundary.encode(), _raw(k), _raw(v))
        for k, v in fields.items()
    ]
    if filename is not None:
        parts.append(
            b'--%s\r\nContent-Disposition: form-data; name="file"; filename="%s"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n<x/>\r\n" % (boundary.encode(), _raw(filename))
        )
    body = b"".join(parts) + b"--%s--\r\n" % boundary.encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _assert_page(r, where):
    assert r.status_code == 422 and r.mimetype == "text/html", (where, r.status_code)
    assert "unzulässiges Zeichen" in r.get_data(as_text=True), where


@pytest.mark.parametrize("logged_in", [True, False], ids=["case-manager", "anonymous"])
def test_every_web_form_refuses_them_with_a_german_page(client, app, db, logged_in):
    csrf = web_login(client) if logged_in else csrf_from(client.get("/login").text)
    routes = sorted(set(_web_routes(app)))
    assert "/cases/new" in routes and "/login" in routes
    before = counts(db)
    good = {
        "csrf_token": csrf,
        "family_name": "Haddad",
        "given_name": "Amina",
        "birth_date": "1990-04-02",
        "municipality": "Borchen",
        "username": "abc",
        "password": "geheim-genug-123",
        "display_name": "A B",
    }
    for route in routes:
        for bad in BAD.values():
            for field in ("family_name", "username", "password", "display_name"):
                body = "&".join(f"{quote(k)}={_url(bad if k == field else v)}" for k, v in good.items())
                r = client.post(route, data=body, content_type="application/x-www-form-urlencoded")
                _assert_page(r, (route, field, "urlencoded"))
                body, ctype = _multipart({**good, field: bad})
                r = client.post(route, data=body, content_type=ctype)
                _assert_page(r, (route, field, "multipart"))
            body, ctype = _multipart(good, filename=f"diagramm{bad}.bpmn")
            r = client.post(route, data=body, content_type=ctype)
            _assert_page(r, (route, "file name"))
    assert counts(db) == before
