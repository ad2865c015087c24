"""Encryption at rest: health data never reaches the database file in plaintext; keys rotate."""

from __future__ import annotations

import dataclasses
import json
import subprocess

import pytest
from cryptography.fernet import Fernet, InvalidToken

from engine import crypto
from engine.config import PROJECT_ROOT
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case, ready
from tests.conftest import BIN, TEST_DATA_KEY

SECRET = "Bedarf an Traumatherapie"
FAMILY = "Quellenbrink"
ASSESS_HEALTH = {
    "needs": [{"life_area": "health", "description": SECRET}, {"life_area": "housing"}],
    "legal_domain": "none",
    "route": "accompaniment",
}
COLUMNS = {"cases": "client", "history": "data", "process_instances": "state"}


@pytest.fixture(autouse=True)
def _test_keys(settings):
    yield
    crypto.configure(settings)  # other tests expect the test key


def _case_with_health_need(client, login) -> tuple[int, dict]:
    cm = login("cm-borchen")
    case = open_case(client, cm, family_name=FAMILY, nationality="Traumland")
    for bpmn_id, data in [
        ("first_contact", d.FIRST_CONTACT),
        ("consent", d.CONSENT_YES),
        ("assessment", ASSESS_HEALTH),
    ]:
        complete(client, cm, case["id"], bpmn_id, data)
    return case["id"], cm


def _raw(db, table: str) -> list:
    """The column as stored, as text, on either database."""
    return [r[0] for r in db.rows(f"SELECT CAST({COLUMNS[table]} AS TEXT) FROM {table}")]


def _assessment_description(client, cm, case_id) -> str:
    r = client.get(f"/api/v1/cases/{case_id}/history?per_page=100", headers=cm)
    assert r.status_code == 200, r.json
    (entry,) = [h for h in r.json["items"] if h["bpmn_id"] == "assessment"]
    return entry["data"]["needs"][0]["description"]


def _app(settings, keys: str):
    from api.app import create_app

    return create_app(dataclasses.replace(settings, data_keys=keys))


def _kim(db, *args: str, keys: str) -> subprocess.CompletedProcess:
    env = db.env(KIM_DATA_KEYS=keys)
    return subprocess.run(
        [str(BIN / "kim"), *args],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=False,
        text=True,
        timeout=120,
    )


def _stored_bytes(db) -> bytes:
    """Every byte the database keeps: the SQLite file and its WAL, or PostgreSQL's dump of the database."""
    if db.is_sqlite:
        files = [db.path, db.path.with_name(db.path.name + "-wal")]
        return b"".join(f.read_bytes() for f in files if f.exists())
    url = db.url.replace("postgresql+psycopg://", "postgresql://")
    return subprocess.run(["pg_dump", "--data-only", url], capture_output=True, check=True).stdout


def test_health_data_is_not_in_the_database_file_and_the_api_reads_it(app, client, login, db):
    case_id, cm = _case_with_health_need(client, login)

    r = client.get(f"/api/v1/cases/{case_id}", headers=cm)
    assert r.json["client"]["family_name"] == FAMILY and r.json["client"]["nationality"] == "Traumland"
    assert _assessment_description(client, cm, case_id) == SECRET
    (goals,) = [t for t in ready(client, cm, case_id) if t["bpmn_id"] == "goal_agreement"]
    assert client.get(f"/api/v1/tasks/{goals['id']}", headers=cm).status_code == 200  # state decrypts

    app.extensions["kim"]["engine"].dispose()
    raw = _stored_bytes(db)
    assert b"Traumatherapie" not in raw and "Traumatherapie".encode("utf-16-le") not in raw
    assert b"Traumland" not in raw
    for table in COLUMNS:
        values = [v for v in _raw(db, table) if v not in (None, "null")]
        assert values, table
        for value in values:
            assert "Traumatherapie" not in value and FAMILY not in value and "Traumland" not in value
            token = json.loads(value) if table != "process_instances" else value
            assert crypto.is_token(token), (table, value[:40])
    # Only the search columns hold the name in plaintext, by design (docs/security.md).
    assert db.rows("SELECT family_name FROM cases WHERE id = :id", id=case_id) == [(FAMILY,)]


@pytest.mark.slow  # `kim keys rotate` twice (about 3 s)
def test_old_key_second_still_decrypts_and_rotate_moves_everything_to_the_new_key(
    app, client, login, settings, db
):
    case_id, cm = _case_with_health_need(client, login)
    new = Fernet.generate_key().decode()

    rotated_app = _app(settings, f"{new},{TEST_DATA_KEY}")
    with rotated_app.test_client() as c2:
        assert _assessment_description(c2, cm, case_id) == SECRET
        complete(c2, cm, case_id, "goal_agreement", d.GOALS)  # written with the new key
    rotated_app.extensions["kim"]["engine"].dispose()

    out = _kim(db, "keys", "rotate", "--batch-size", "3", keys=f"{new},{TEST_DATA_KEY}")
    assert out.returncode == 0, out.stderr
    assert "process_instances.state:" in out.stdout and "history.data:" in out.stdout, out.stdout
    assert "cases.client:" in out.stdout
    again = _kim(db, "keys", "rotate", keys=f"{new},{TEST_DATA_KEY}")
    assert again.returncode == 0 and " 0 von " in again.stdout, again.stdout
    assert all(" 0 von " in line for line in again.stdout.splitlines()), again.stdout

    for table in COLUMNS:
        for value in _raw(db, table):
            if value in (None, "null"):
                continue
            token = (json.loads(value) if table != "process_instances" else value).encode()
            Fernet(new.encode()).decrypt(token)
            with pytest.raises(InvalidToken):
                Fernet(TEST_DATA_KEY.encode()).decrypt(token)

    new_only = _app(settings, new)
    with new_only.test_client() as c3:
        assert _assessment_description(c3, cm, case_id) == SECRET
        assert c3.get(f"/api/v1/cases/{case_id}", headers=cm).json["client"]["family_name"] == FAMILY
    new_only.extensions["kim"]["engine"].dispose()


def test_a_wrong_key_is_a_clear_error_naming_the_setting(app, client, login, settings, db):
    case_id, cm = _case_with_health_need(client, login)
    wrong = _app(settings, Fernet.generate_key().decode())
    with wrong.test_client() as c2:
        r = c2.get(f"/api/v1/cases/{case_id}", headers=cm)
    wrong.extensions["kim"]["engine"].dispose()
    assert r.status_code == 500 and r.mimetype == "application/problem+json"
    assert "KIM_DATA_KEYS" in r.json["detail"] and "entschlüsseln" in r.json["detail"]
    assert "decrypted" in r.json["detail"] and "InvalidToken" not in r.get_data(as_text=True)

    out = _kim(db, "keys", "rotate", keys=Fernet.generate_key().decode())
    assert out.returncode == 1 and "KIM_DATA_KEYS" in out.stderr and "Traceback" not in out.stderr

    with pytest.raises(crypto.DataKeyError, match="KIM_DATA_KEYS"):
        _app(settings, "not-a-key")
    bad = _kim(db, "keys", "rotate", keys="not-a-key")
    assert bad.returncode == 1 and "KIM_DATA_KEYS" in bad.stderr and "Traceback" not in bad.stderr


def test_legacy_plaintext_rows_still_read_and_rotate_encrypts_them(app, client, login, db):
    case_id, cm = _case_with_health_need(client, login)
    as_json = ":v" if db.is_sqlite else "CAST(:v AS JSON)"
    ((client_raw,),) = db.rows("SELECT CAST(client AS TEXT) FROM cases WHERE id = :id", id=case_id)
    plain_client = crypto.decrypt_text(json.loads(client_raw))
    db.execute(f"UPDATE cases SET client = {as_json} WHERE id = :id", v=plain_client, id=case_id)
    for row_id, raw in db.rows("SELECT id, CAST(data AS TEXT) FROM history WHERE case_id = :id", id=case_id):
        if raw not in (None, "null"):
            db.execute(
                f"UPDATE history SET data = {as_json} WHERE id = :id",
                v=crypto.decrypt_text(json.loads(raw)),
                id=row_id,
            )
    for row_id, raw in db.rows("SELECT id, state FROM process_instances"):
        db.execute(
            "UPDATE process_instances SET state = :v WHERE id = :id", v=crypto.decrypt_text(raw), id=row_id
        )
    assert any("Traumatherapie" in v for v in _raw(db, "history") if v)

    assert client.get(f"/api/v1/cases/{case_id}", headers=cm).json["client"]["family_name"] == FAMILY
    assert _assessment_description(client, cm, case_id) == SECRET
    complete(client, cm, case_id, "goal_agreement", d.GOALS)  # legacy state loads, saves encrypted

    out = _kim(db, "keys", "rotate", keys=TEST_DATA_KEY)
    assert out.returncode == 0, out.stderr
    assert "cases.client: 1 von" in out.stdout, out.stdout
    for table in COLUMNS:
        assert not any("Traumatherapie" in v or FAMILY in v for v in _raw(db, table) if v), table
    assert _assessment_description(client, cm, case_id) == SECRET


def test_without_keys_a_key_file_is_made_once_with_mode_0600(tmp_path, settings):
    crypto.configure(dataclasses.replace(settings, data_keys="", data_dir=tmp_path / "data"))
    token = crypto.encrypt_text("Traumatherapie")
    key_file = tmp_path / "data" / crypto.KEY_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600
    crypto.configure(dataclasses.replace(settings, data_keys="", data_dir=tmp_path / "data"))
    assert crypto.decrypt_text(token) == "Traumatherapie"
    assert Fernet(key_file.read_text().strip().encode()).decrypt(token.encode()) == b"Traumatherapie"


def test_keys_generate_prints_a_usable_key(db):
    out = _kim(db, "keys", "generate", keys=TEST_DATA_KEY)
    assert out.returncode == 0, out.stderr
    Fernet(out.stdout.strip().encode())
