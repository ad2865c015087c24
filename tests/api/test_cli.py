"""The kim command: migrate, deploy (idempotent), seed."""

import subprocess

import pytest

from engine.config import PROJECT_ROOT
from tests.conftest import BIN

# Each test runs `kim setup` on a new database
pytestmark = pytest.mark.slow


def _kim(db, *args, **env):
    full = db.env(**env)
    return subprocess.run(
        [str(BIN / "kim"), *args], env=full, cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout


def test_setup_is_idempotent_and_deploy_unchanged_is_a_noop(empty_db):
    db = empty_db
    first = _kim(db, "setup", KIM_DEMO="1")
    assert "process case_lifecycle v1" in first
    again = _kim(db, "deploy")
    assert "nichts geändert" in again
    _kim(db, "seed", KIM_DEMO="1")
    versions = db.rows("SELECT process_id, count(*) FROM process_versions GROUP BY process_id")
    assert dict(versions) == {
        "case_lifecycle": 1,
        "escalation": 1,
        "referral": 1,
        "uma_job_followup": 1,
        "residence_check": 1,
        "naturalisation_check": 1,
    }
    assert db.rows("SELECT count(*) FROM municipalities") == [(10,)]
    assert db.rows("SELECT count(*) FROM users") == [(13,)]  # with the agencies' abh-stadt and ebh
    assert db.rows("SELECT count(*) FROM agencies") == [(14,)]  # 12 of the vocabulary, the city's ABH, EBH
    hashes = [r[0] for r in db.rows("SELECT password_hash FROM users")]
    assert all(h.startswith("$argon2") for h in hashes)


def test_no_demo_accounts_outside_demo_mode(empty_db):
    db = empty_db
    _kim(db, "setup", KIM_DEMO="0")
    assert db.rows("SELECT count(*) FROM users") == [(0,)]
