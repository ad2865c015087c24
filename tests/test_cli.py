"""The kim command: migrate, deploy (idempotent), seed."""
import os
import sqlite3
import subprocess

from engine.config import PROJECT_ROOT
from tests.conftest import BIN


def _kim(db, *args, **env):
    full = {**os.environ, "KIM_DATABASE_URL": f"sqlite:///{db}", **env}
    return subprocess.run([str(BIN / "kim"), *args], env=full, cwd=PROJECT_ROOT, capture_output=True,
                          text=True, check=True).stdout


def test_setup_is_idempotent_and_deploy_unchanged_is_a_noop(tmp_path):
    db = tmp_path / "k.db"
    first = _kim(db, "setup", KIM_DEMO="1")
    assert "process case_lifecycle v1" in first
    again = _kim(db, "deploy")
    assert "nichts geändert" in again
    _kim(db, "seed", KIM_DEMO="1")
    with sqlite3.connect(db) as conn:
        versions = conn.execute("SELECT process_id, count(*) FROM process_versions GROUP BY process_id")
        assert dict(versions.fetchall()) == {"case_lifecycle": 1, "escalation": 1, "uma_job_followup": 1}
        assert conn.execute("SELECT count(*) FROM municipalities").fetchone()[0] == 10
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 10
        hashes = [r[0] for r in conn.execute("SELECT password_hash FROM users")]
    assert all(h.startswith("$argon2") for h in hashes)


def test_no_demo_accounts_outside_demo_mode(tmp_path):
    db = tmp_path / "k.db"
    _kim(db, "setup", KIM_DEMO="0")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 0
