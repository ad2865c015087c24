"""Backup and restore tried for real: `kim backup` of a live database, changes after it, `kim restore`
into a fresh database, the app started on it reads the case back as it was."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import requests

from tests import lifecycle_data as d
from tests.conftest import BIN, PROJECT_ROOT, TEST_DATA_KEY, TestDatabase, _pg_admin, _pg_url, drop_database
from tests.ops.helpers import Server

# Real `kim backup`, `kim restore` and `kim serve`
pytestmark = pytest.mark.slow

CLIENT = {"given_name": "Leyla", "family_name": "Osmanova", "birth_date": "1988-12-01"}


def kim(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "kim"), *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )


def fresh_database(db: TestDatabase, folder) -> TestDatabase:
    """An empty database on the same backend (PostgreSQL: created through the admin URL)."""
    folder.mkdir()
    if db.is_sqlite:
        return TestDatabase(f"sqlite:///{folder / 'kim.db'}", folder, folder / "kim.db")
    name = db.url.rsplit("/", 1)[1] + "_restored"
    _pg_admin(f"CREATE DATABASE {name}")
    return TestDatabase(_pg_url(name), folder)


def test_backup_change_restore_into_a_fresh_database_and_read_the_case_back(db, tmp_path):
    server = Server(db.env(KIM_SCHEDULER="external"), tmp_path / "serve.log")
    try:
        h = server.token("cm-borchen")
        case = requests.post(
            server.url + "/cases", json={"municipality": "Borchen", "client": CLIENT}, headers=h, timeout=30
        ).json()
        (task,) = requests.get(server.url + f"/tasks?case_id={case['id']}", headers=h, timeout=30).json()[
            "items"
        ]
        # Backed up while the server runs (online).
        backup_file = tmp_path / "kim.backup"
        done = kim("backup", str(backup_file), env=db.env())
        assert done.returncode == 0, done.stderr
        assert "KIM_DATA_KEYS" in done.stderr and backup_file.stat().st_size > 10_000
        # After the backup: the task is completed, a second case opened, the first one's name changed.
        r = requests.post(
            server.url + f"/tasks/{task['id']}/complete",
            json={"data": d.FIRST_CONTACT},
            headers=h,
            timeout=30,
        )
        assert r.status_code == 200
        later = requests.post(
            server.url + "/cases", json={"municipality": "Borchen", "client": CLIENT}, headers=h, timeout=30
        ).json()
    finally:
        server.stop()
    db.execute("UPDATE cases SET family_name = 'Geändert' WHERE id = :id", id=case["id"])

    target = fresh_database(db, tmp_path / "restored")
    # The keys are not in the backup (the warning says so): the operator puts them in place, here the
    # audit trail's key file beside the data (the data key comes with the environment).
    shutil.copy(db.data_dir / "audit.key", target.data_dir / "audit.key")
    try:
        done = kim("restore", str(backup_file), env=target.env())
        assert done.returncode == 0, done.stderr
        assert "Wiederhergestellt" in done.stdout and "kim migrate" not in done.stderr
        again = kim("restore", str(backup_file), env=target.env())  # never over data by accident
        assert again.returncode != 0 and "--replace" in again.stderr
        assert kim("audit", "verify", env=target.env()).returncode == 0  # the hash chain came along intact

        restored = Server(target.env(KIM_SCHEDULER="external"), tmp_path / "restored.log")
        try:
            assert requests.get(restored.url + "/ready", timeout=10).status_code == 200
            h = restored.token("cm-borchen")
            r = requests.get(restored.url + f"/cases/{case['id']}", headers=h, timeout=30)
            assert r.status_code == 200
            body = r.json()
            assert body["case_number"] == case["case_number"] and body["client"]["family_name"] == "Osmanova"
            tasks = requests.get(restored.url + f"/tasks?case_id={case['id']}", headers=h, timeout=30).json()
            assert [t["id"] for t in tasks["items"]] == [task["id"]]  # the completion came after the backup
            assert (
                requests.get(restored.url + f"/cases/{later['id']}", headers=h, timeout=30).status_code == 404
            )
            # The restored database works on: the task completes as it did before.
            r = requests.post(
                restored.url + f"/tasks/{task['id']}/complete",
                json={"data": d.FIRST_CONTACT},
                headers=h,
                timeout=30,
            )
            assert r.status_code == 200
        finally:
            restored.stop()
        # Without the data keys the backup's client data cannot be read.
        wrong_key = "Qm9ndXNLZXlCb2d1c0tleUJvZ3VzS2V5Qm9ndXNLZXk="
        assert wrong_key != TEST_DATA_KEY
        read = [str(BIN / "python"), "-c", _READ_CLIENT.format(case_id=case["id"])]
        probe = subprocess.run(
            read, env=target.env(), cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
        )
        assert probe.returncode == 0 and "Osmanova" in probe.stdout, probe.stderr
        probe = subprocess.run(
            read,
            env=target.env(KIM_DATA_KEYS=wrong_key),
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert probe.returncode != 0 and "Osmanova" not in probe.stdout + probe.stderr
        assert "DataKeyError" in probe.stderr
    finally:
        drop_database(target)


_READ_CLIENT = """
from engine.config import Settings
from engine import crypto
from engine.db import make_engine, make_session_factory
import engine.models
from engine.cases.models import Case
settings = Settings.from_env()
crypto.configure(settings)
with make_session_factory(make_engine(settings.database_url))() as s:
    print(s.get(Case, {case_id}).client)
"""
