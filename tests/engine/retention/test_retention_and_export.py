"""Retention (anonymisation on time, legal hold) and the Art. 15 export."""

import dataclasses
import json
import subprocess
import time
from datetime import timedelta

import pytest

from engine.clock import utcnow
from engine.config import PROJECT_ROOT
from engine.crypto import decrypt_text
from engine.retention.jobs import run
from tests import lifecycle_data as d
from tests.api.helpers import CLIENT, complete, open_case
from tests.conftest import BIN

HEALTH = {
    "needs": [{"life_area": "health", "description": "Bedarf an Traumatherapie"}],
    "legal_domain": "none",
    "route": "accompaniment",
}


def _closed_case(client, h):
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, h, case["id"], "consent", d.CONSENT_NO)
    return case


def _row(db, sql, *args):
    """Rows of a raw statement with positional ``?`` parameters, on either database."""
    parts = sql.split("?")
    named = "".join(p + (f":p{i}" if i < len(parts) - 1 else "") for i, p in enumerate(parts))
    return db.rows(named, **{f"p{i}": a for i, a in enumerate(args)})


def test_closed_case_is_anonymised_after_the_period_and_figures_stay(client, login, app, db):
    h = login("cm-borchen")
    case = _closed_case(client, h)
    sessions = app.extensions["kim"]["sessions"]
    assert run(sessions, default_days=1095).anonymised == []  # not yet due
    later = utcnow() + timedelta(days=1096)
    report = run(sessions, default_days=1095, now=later)
    assert report.anonymised == [case["pseudonym"]] and report.failed == []
    assert run(sessions, default_days=1095, now=later).anonymised == []  # once only
    (row,) = _row(
        db,
        "SELECT family_name, given_name, CAST(client AS TEXT), status, closure_reason, municipality_id, "
        "opened_at, anonymised_at FROM cases WHERE id = ?",
        case["id"],
    )
    assert row[:2] == ("(gelöscht)", "(gelöscht)") and json.loads(decrypt_text(json.loads(row[2]))) == {}
    assert row[3:5] == ("closed", "no_consent") and row[5] and row[6] and row[7]
    assert _row(db, "SELECT count(*) FROM history WHERE case_id = ? AND data IS NOT NULL", case["id"]) == [
        (0,)
    ]
    ((state,),) = _row(db, "SELECT state FROM process_instances WHERE case_id = ?", case["id"])
    assert decrypt_text(state) == ""
    (rec,) = _row(
        db,
        "SELECT pseudonym, reason, CAST(removed AS TEXT) FROM deletion_records WHERE case_id = ?",
        case["id"],
    )
    assert (
        rec[0] == case["pseudonym"]
        and rec[1] == "retention_period"
        and json.loads(rec[2])["history_data"] >= 2
    )
    detail = client.get(f"/api/v1/cases/{case['id']}", headers=h).json
    assert detail["status"] == "closed" and "Haddad" not in json.dumps(detail)
    audit = client.get(
        f"/api/v1/audit?case_id={case['id']}&action=case.anonymised", headers=login("dpo")
    ).json
    assert audit["total"] == 1 and audit["items"][0]["username"] is None


def test_tenant_period_and_legal_hold(client, login, app, db):
    h = login("cm-borchen")
    held, free = _closed_case(client, h), _closed_case(client, h)
    dpo = login("dpo")
    r = client.post(f"/api/v1/cases/{held['id']}/legal-hold", json={"hold": True, "reason": "x"}, headers=dpo)
    assert r.status_code == 422  # a reason a person can check later
    r = client.post(
        f"/api/v1/cases/{held['id']}/legal-hold",
        headers=dpo,
        json={"hold": True, "reason": "Verfahren VG Minden 7 K 123/26"},
    )
    assert r.status_code == 200 and r.json["legal_hold"] is True
    assert (
        client.post(
            f"/api/v1/cases/{held['id']}/legal-hold",
            headers=h,
            json={"hold": False, "reason": "weil ich will"},
        ).status_code
        == 403
    )
    db.execute("UPDATE tenants SET retention_days = 30")
    report = run(app.extensions["kim"]["sessions"], default_days=1095, now=utcnow() + timedelta(days=31))
    assert report.anonymised == [free["pseudonym"]]
    assert _row(db, "SELECT family_name FROM cases WHERE id = ?", held["id"]) == [("Haddad",)]


def test_withdrawal_deletes_after_the_grace_period(client, login, app, db):
    h = login("cm-borchen")
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, h, case["id"], "consent", d.CONSENT_YES)
    complete(client, h, case["id"], "assessment", HEALTH)
    assert client.post(f"/api/v1/cases/{case['id']}/consent-withdrawal", headers=h).status_code == 200
    sessions = app.extensions["kim"]["sessions"]
    assert run(sessions, default_days=1095, now=utcnow() + timedelta(days=29)).anonymised == []
    assert run(sessions, default_days=1095, now=utcnow() + timedelta(days=31)).anonymised == [
        case["pseudonym"]
    ]
    assert _row(db, "SELECT reason FROM deletion_records WHERE case_id = ?", case["id"]) == [
        ("consent_withdrawn",)
    ]


@pytest.mark.slow  # `kim retention` twice and a scheduler (about 6 s)
def test_retention_runs_on_the_scheduler_and_from_the_shell(client, login, app, db, settings):
    from engine.retention.jobs import install
    from engine.scheduler import TimerScheduler

    h = login("cm-borchen")
    first, second = _closed_case(client, h), _closed_case(client, h)
    sessions = app.extensions["kim"]["sessions"]
    sched = TimerScheduler(sessions, watch_seconds=0.2).start()
    try:
        install(sched, sessions, dataclasses.replace(settings, retention_days=0, retention_check_minutes=60))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not _row(db, "SELECT 1 FROM deletion_records"):
            time.sleep(0.1)
    finally:
        sched.shutdown()
    assert {r[0] for r in _row(db, "SELECT pseudonym FROM deletion_records")} == {
        first["pseudonym"],
        second["pseudonym"],
    }
    third = _closed_case(client, h)
    app.extensions["kim"]["engine"].dispose()
    env = db.env(KIM_DATA_KEYS=settings.data_keys, KIM_RETENTION_DAYS="0")
    dry = subprocess.run(
        [str(BIN / "kim"), "retention", "run", "--dry-run"],
        env=env,
        cwd=PROJECT_ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    assert json.loads(dry.stdout) == {"due": [third["pseudonym"]], "failed": []}, dry.stderr
    done = subprocess.run(
        [str(BIN / "kim"), "retention", "run"],
        env=env,
        cwd=PROJECT_ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    assert json.loads(done.stdout) == {"anonymised": [third["pseudonym"]], "failed": []}, done.stderr


def test_art15_export_has_all_data_and_accesses(client, login):
    h = login("cm-borchen")
    case = open_case(client, h)
    complete(client, h, case["id"], "first_contact", d.FIRST_CONTACT)
    complete(client, h, case["id"], "consent", d.CONSENT_YES)
    client.get(f"/api/v1/cases/{case['id']}", headers=login("coordinator"))
    dpo = login("dpo")
    assert (
        client.post(
            "/api/v1/privacy/exports", json={"case_id": case["id"], "reason": "x"}, headers=dpo
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/api/v1/privacy/exports", json={"case_id": case["id"], "reason": "Antrag vom 20.11."}, headers=h
        ).status_code
        == 403
    )
    r = client.post(
        "/api/v1/privacy/exports",
        headers=dpo,
        json={
            "family_name": CLIENT["family_name"],
            "given_name": CLIENT["given_name"],
            "birth_date": CLIENT["birth_date"],
            "reason": "Auskunftsantrag vom 20.11.2026",
        },
    )
    assert r.status_code == 200, r.json
    (exported,) = [c for c in r.json["cases"] if c["case"]["id"] == case["id"]]
    assert exported["case"]["client"]["birth_date"] == CLIENT["birth_date"]
    assert [c["agency"] for c in exported["consents"]] == [None, "jobcenter", "foreigners_authority"]
    assert {e["bpmn_id"] for e in exported["history"] if e["data"]} >= {"first_contact", "consent"}
    assert ("coordinator", "case.read") in {(a["username"], a["action"]) for a in exported["accesses"]}
    assert r.json["format"] == "kim-art15-export/1"
    nobody = client.post(
        "/api/v1/privacy/exports",
        headers=dpo,
        json={"family_name": "Niemand", "reason": "Auskunftsantrag vom 20.11.2026"},
    )
    assert nobody.status_code == 404
    trail = client.get(f"/api/v1/audit?case_id={case['id']}&action=privacy.export", headers=dpo).json
    assert trail["total"] == 1 and trail["items"][0]["reason"] == "Auskunftsantrag vom 20.11.2026"
