"""Liveness without the database; readiness: database answers and schema at the newest migration."""

from __future__ import annotations

import sqlite3
import time

from api.app import create_app
from engine.config import Settings
from engine.migrate import head_revisions
from tests.conftest import TEST_DATA_KEY


def test_health_is_liveness_and_does_not_touch_the_database(tmp_path):
    not_a_file = tmp_path / "db-is-a-directory"
    not_a_file.mkdir()
    app = create_app(
        Settings(
            database_url=f"sqlite:///{not_a_file}",
            data_dir=tmp_path,
            log_level="CRITICAL",
            data_keys=TEST_DATA_KEY,
        )
    )
    r = app.test_client().get("/api/v1/health")
    assert r.status_code == 200 and r.json == {"status": "ok"}
    r = app.test_client().get("/api/v1/ready")
    assert r.status_code == 503 and r.mimetype == "application/problem+json"
    assert "Datenbank" in r.json["detail"] and r.json["reason"] == "database unreachable"
    assert r.headers["Retry-After"] == "2"


def test_ready_when_the_database_answers_and_is_migrated(client, db):
    r = client.get("/api/v1/ready")  # no Authorization header: public
    assert r.status_code == 200, r.json
    assert r.json == {"status": "ready", "database": "ok", "revision": ",".join(head_revisions())}
    assert r.headers["X-Request-ID"]


def test_ready_is_503_while_the_schema_is_behind_and_200_after_migrating(client, db):
    (head,) = db.rows("SELECT version_num FROM alembic_version")
    db.execute("UPDATE alembic_version SET version_num = '0005'")
    r = client.get("/api/v1/ready")
    assert r.status_code == 503 and r.mimetype == "application/problem+json"
    assert "kim migrate" in r.json["detail"] and "nicht auf dem neuesten Stand" in r.json["detail"]
    assert r.json["reason"] == f"database schema at 0005, expected {head[0]}"
    db.execute("UPDATE alembic_version SET version_num = :v", v=head[0])
    assert client.get("/api/v1/ready").status_code == 200


def test_ready_and_health_are_documented_as_public(client):
    doc = client.get("/api/v1/openapi.json").json
    for path in ("/api/v1/health", "/api/v1/ready"):
        operation = doc["paths"][path]["get"]
        assert operation["security"] == [] and "503" in operation["responses"], path
    assert set(doc["components"]["schemas"]["Ready"]["properties"]) == {"status", "database", "revision"}
    assert "/metrics" not in doc["paths"]


def test_ready_is_503_while_another_writer_holds_the_write_lock(client, db):
    """A writer that holds SQLite's write lock (a slow step) blocks every other user's writes: /ready says so
    within about a second, and is ready again once the lock is free. (PostgreSQL has no database-wide
    write lock; there the probe checks that the server accepts writes at all.)"""
    if not db.is_sqlite:
        assert client.get("/api/v1/ready").status_code == 200
        return
    holder = sqlite3.connect(str(db.path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        r = client.get("/api/v1/ready")
        waited = time.monotonic() - started
        assert r.status_code == 503 and r.json["reason"] == "writes blocked", r.json
        assert "keine Änderungen" in r.json["detail"] and r.headers["Retry-After"] == "2"
        assert 0.9 < waited < 5, waited
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert client.get("/api/v1/ready").status_code == 200
