"""Liveness without the database; readiness: database answers and schema at the newest migration."""

from __future__ import annotations

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
