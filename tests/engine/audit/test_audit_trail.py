"""The audit trail: every read and write, DPO-only, tamper-evident."""

import json
import subprocess

import pytest
from sqlalchemy.exc import DBAPIError

from engine.config import PROJECT_ROOT
from tests import lifecycle_data as d
from tests.api.helpers import CLIENT, complete, open_case
from tests.conftest import BIN


def _kim(db, *args):
    return subprocess.run(
        [str(BIN / "kim"), *args], env=db.env(), cwd=PROJECT_ROOT, check=False, capture_output=True, text=True
    )


def test_reads_and_writes_are_recorded_by_pseudonym(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    client.get(f"/api/v1/cases/{case['id']}", headers=h)
    client.get(f"/api/v1/cases/{case['id']}", headers=login("coordinator"))
    client.get("/api/v1/cases?q=Haddad", headers=h)
    dpo = login("dpo")
    r = client.get(f"/api/v1/audit?case_id={case['id']}&per_page=100", headers=dpo)
    assert r.status_code == 200
    entries = r.json["items"]
    actions = [(e["username"], e["action"]) for e in reversed(entries)]
    # open, (the helper lists tasks: no case data), complete, read, read pseudonymised, search
    assert actions == [
        ("cm-borchen", "case.create"),
        ("cm-borchen", "task.complete"),
        ("cm-borchen", "case.read"),
        ("coordinator", "case.read"),
        ("cm-borchen", "case.list"),
    ]
    assert [e["detail"]["personal_data"] for e in entries if e["action"] == "case.read"] == [False, True]
    assert all(e["pseudonym"] == case["pseudonym"] for e in entries)
    body = json.dumps(r.json, ensure_ascii=False)
    assert CLIENT["family_name"] not in body and CLIENT["birth_date"] not in body
    # Reading the trail is itself recorded.
    again = client.get("/api/v1/audit?action=audit.read", headers=dpo).json
    assert again["total"] >= 1 and again["items"][0]["username"] == "dpo"


@pytest.mark.parametrize("user", ["cm-borchen", "coordinator", "steering", "admin", "process-owner", "abh"])
def test_only_the_dpo_reads_the_trail(client, login, user):
    r = client.get("/api/v1/audit", headers=login(user))
    assert r.status_code == 403 and r.mimetype == "application/problem+json"


def _drop_guard(db, statement: str) -> None:
    """What someone with direct database access could do: remove the append-only trigger."""
    if db.is_sqlite:
        db.execute(f"DROP TRIGGER audit_log_no_{statement}")
    else:
        db.execute("DROP TRIGGER audit_log_append_only ON audit_log")


def test_trail_is_append_only_and_verify_finds_tampering(client, login, db, app):
    h = login("cm-borchen")
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    app.extensions["kim"]["engine"].dispose()
    ok = _kim(db, "audit", "verify")
    assert ok.returncode == 0 and "unverändert" in ok.stdout, ok.stderr
    with pytest.raises(DBAPIError, match="append-only"):
        db.execute("UPDATE audit_log SET username = 'someone' WHERE id = 1")
    with pytest.raises(DBAPIError, match="append-only"):
        db.execute("DELETE FROM audit_log WHERE id = 2")
    assert db.rows("SELECT username FROM audit_log WHERE id = 1") != [("someone",)]
    # Someone with direct database access drops the guard and rewrites an entry.
    _drop_guard(db, "update")
    db.execute("UPDATE audit_log SET username = 'someone' WHERE id = 2")
    bad = _kim(db, "audit", "verify")
    assert bad.returncode == 1 and "Eintrag 2" in bad.stderr, (bad.stdout, bad.stderr)


def test_verify_finds_entries_removed_from_the_end(client, login, db, app):
    open_case(client, login("cm-borchen"))
    app.extensions["kim"]["engine"].dispose()
    ((last,),) = db.rows("SELECT max(id) FROM audit_log")
    _drop_guard(db, "delete")
    db.execute("DELETE FROM audit_log WHERE id = :id", id=last)
    bad = _kim(db, "audit", "verify")
    assert bad.returncode == 1 and "Kopfzeile" in bad.stderr
