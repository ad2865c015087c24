"""The state's view over HTTP: the figures side by side, the controlling export in its three formats
(parsed with csv, openpyxl and json, in the layout docs/state.md documents), and the state account
refused everywhere else, as the access matrix refuses roles without access."""

from __future__ import annotations

import csv
import io
import json
import subprocess

import pytest
from openpyxl import load_workbook

from engine.config import PROJECT_ROOT
from engine.vocabulary import label
from tests import state_data
from tests.api.test_access_matrix import MATRIX, NO_TASK
from tests.conftest import BIN
from tests.state_data import STATE_PASSWORD, STATE_USER, YEAR

API = "/api/v1"
FIXED = ["school_year", "tenant_key", "tenant_name"]
STATE_ROWS = {("GET", "/api/v1/state/figures"), ("GET", "/api/v1/state/export")}


@pytest.fixture
def world(app):
    return state_data.build(app.extensions["kim"]["sessions"])


@pytest.fixture
def land(login, world):
    return login(STATE_USER, STATE_PASSWORD)


def _export(client, headers, kind: str):
    r = client.get(f"{API}/state/export", query_string={"school_year": YEAR, "format": kind}, headers=headers)
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    assert f"kim-programmcontrolling-2025-26.{kind}" in r.headers["Content-Disposition"]
    return r


def test_the_figures_side_by_side(client, land):
    r = client.get(f"{API}/state/figures", query_string={"school_year": YEAR}, headers=land)
    assert r.status_code == 200
    body = r.json
    assert [(t["tenant_key"], t["tenant_name"]) for t in body["tenants"]] == [
        ("hoexter", "Kreis Höxter"),
        ("paderborn", "Kreis Paderborn"),
    ]
    pb = body["tenants"][1]
    assert (pb["persons_supported"], pb["referrals_by_agency"]["jobcenter"], pb["cm_cases"]) == (12, 4, None)
    assert body["total"]["persons_supported"] == 19 and body["min_count"] == 3
    assert body["labels"]["referrals_by_agency"]["jobcenter"] == label("referral.agency", "jobcenter")


def test_the_three_export_formats_parse_with_the_documented_columns(client, land):
    data = json.loads(_export(client, land, "json").get_data(as_text=True))
    codes = [c["code"] for c in data["columns"]]
    assert data["layout"] == "kim-programmcontrolling-land/1"
    assert (data["school_year"], data["period_start"], data["period_end"]) == (
        YEAR,
        "2025-08-01",
        "2026-07-31",
    )
    assert codes[:6] == [*FIXED, "persons_supported", "cm_cases", "referrals"]
    documented = (PROJECT_ROOT / "docs" / "state.md").read_text(encoding="utf-8")
    for code in codes:
        assert f"`{code.split('.')[0]}`" in documented, code  # every column (or its breakdown) is documented
    by_key = {row["tenant_key"]: row for row in data["rows"]}
    assert list(by_key) == ["hoexter", "paderborn"]
    pb = by_key["paderborn"]
    assert (pb["persons_supported"], pb["referrals_by_agency.jobcenter"], pb["cm_cases"]) == (12, 4, None)
    assert "cm_cases" in pb["suppressed"] and pb["referrals_by_agency.foreigners_authority"] is None

    text = _export(client, land, "csv").get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0] == codes and len(rows) == 3
    pb_csv = dict(zip(codes, rows[2], strict=True))
    assert pb_csv["tenant_key"] == "paderborn" and pb_csv["school_year"] == YEAR
    assert (pb_csv["persons_supported"], pb_csv["cm_cases"], pb_csv["closures_by_reason.referred"]) == (
        "12",
        "<3",
        "<3",
    )

    book = load_workbook(io.BytesIO(_export(client, land, "xlsx").data))
    assert book.sheetnames == ["Kennzahlen", "Spalten", "Hinweise"]
    sheet = [list(r) for r in book["Kennzahlen"].iter_rows(values_only=True)]
    assert sheet[0] == codes
    assert [[str(v) for v in row] for row in sheet[1:]] == rows[1:]
    legend = list(book["Spalten"].iter_rows(values_only=True))
    assert legend[1:] == [(c["code"], c["label"]) for c in data["columns"]]


def test_county_roles_are_refused_the_state_view(client, login, world):
    for username in ("coordinator", "steering", "admin"):
        h = login(username)
        for path in ("/state/figures", "/state/export?format=csv"):
            r = client.get(API + path, headers=h)
            assert r.status_code == 403, (username, path)
            assert r.mimetype == "application/problem+json"


class _Ids(dict):
    """A matrix world whose every id is 1 (the state account must be refused before any is looked up)."""

    def __missing__(self, key):
        return 1


def test_the_state_account_is_refused_on_every_other_endpoint(client, land):
    """Every row of the access matrix: 403, as for roles without access; cases, tasks and figures too."""
    world = {k: _Ids(task=NO_TASK, municipality="Borchen") for k in ("B", "D", "U")}
    checked = 0
    for (method, path), (build, *_rest) in MATRIX.items():
        if (method, path) in STATE_ROWS or path == "/api/v1/auth/token":
            continue
        url, body = build(world, "B")
        if isinstance(body, bytes):
            r = client.open(
                url, method=method, data=body, headers={**land, "Content-Type": "application/xml"}
            )
        else:
            r = client.open(url, method=method, json=body, headers=land)
        assert r.status_code == 403, (method, path, r.status_code, r.get_data(as_text=True)[:200])
        assert r.mimetype == "application/problem+json"
        checked += 1
    assert checked > 80
    assert client.get(f"{API}/state/figures", headers=land).status_code == 200  # still signed in
    assert client.delete(f"{API}/auth/token", headers=land).status_code == 204  # logging out works


@pytest.mark.slow  # five `kim` processes
def test_kim_state_sets_up_the_state_level_and_its_account(db, client):
    def kim(*args, **env):
        return subprocess.run(
            [str(BIN / "kim"), "state", *args],
            env=db.env(**env),
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=False,
        )

    assert kim("add", "nrw", "Land Nordrhein-Westfalen").stdout.strip().endswith("angelegt.")
    assert kim("add", "nrw", "Land NRW").stdout.strip().endswith("aktualisiert.")
    refused = kim("add", "paderborn", "Land")
    assert refused.returncode == 1 and "gehört einem Kreis" in refused.stderr
    made = kim("user", "nrw", "land-nrw", "--display-name", "Landesstelle", KIM_STATE_PASSWORD=STATE_PASSWORD)
    assert made.returncode == 0, made.stderr
    token = client.post(
        f"{API}/auth/token", json={"username": "land-nrw", "password": STATE_PASSWORD, "tenant": "nrw"}
    )
    assert token.status_code == 200 and token.json["user"]["role"] == "state"
    short = kim("user", "nrw", "land-zwei", "--display-name", "Zwei", KIM_STATE_PASSWORD="kurz")
    assert short.returncode == 1 and "password" in short.stderr
