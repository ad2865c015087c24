"""Alembic migrations on the database in use (SQLite or PostgreSQL): up, down, up, and no drift."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from engine.db import Base
from engine.migrate import alembic_config, upgrade


def _load_all_models() -> None:
    import engine.models  # noqa: F401  (registers every table on Base.metadata)


def test_upgrade_downgrade_upgrade_and_the_models_match_the_schema(empty_db):
    upgrade(empty_db.url)
    with empty_db.engine.connect() as conn:
        heads = ScriptDirectory.from_config(alembic_config(empty_db.url)).get_heads()
        assert sorted(MigrationContext.configure(conn).get_current_heads()) == sorted(heads)
        tables = set(inspect(conn).get_table_names())
    assert {"cases", "history", "tasks", "process_instances", "timers", "audit_log"} <= tables

    command.downgrade(alembic_config(empty_db.url), "base")
    with empty_db.engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}

    upgrade(empty_db.url)
    _load_all_models()
    with empty_db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata)
    # What the models declare is what the migrations build (tables, columns, indexes).
    assert diff == [], diff


def test_an_existing_case_becomes_a_one_member_household_with_its_consents(empty_db):
    """A database from before households (0011) with one case and its consent, migrated for real."""
    import json

    from sqlalchemy import text

    from engine.crypto import encrypt_text

    config = alembic_config(empty_db.url)
    command.upgrade(config, "0011")
    client = encrypt_text(
        json.dumps({"given_name": "Amina", "family_name": "Müller", "birth_date": "1990-04-02"})
    )
    with empty_db.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO tenants (id, key, name, case_prefix) VALUES (1, 'pb', 'Paderborn', 'PB')")
        )
        conn.execute(
            text(
                "INSERT INTO municipalities (id, tenant_id, key, name, has_case_management) "
                "VALUES (1, 1, 'borchen', 'Borchen', true)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO cases (id, case_number, pseudonym, tenant_id, municipality_id, status, "
                "opened_at, family_name, given_name, client, legal_hold) "
                "VALUES (7, 'PB-2026-000007', 'K-ABC', 1, 1, "
                "'open', '2026-01-02 10:00:00', 'Müller', 'Amina', :client, false)"
            ),
            {"client": json.dumps(client)},  # EncryptedJSON stores the token as a JSON string value
        )
        conn.execute(
            text(
                "INSERT INTO consents (id, case_id, kind, agency, given_on, recorded_at) VALUES "
                "(3, 7, 'confidentiality_release', 'jobcenter', '2026-01-02', '2026-01-02 10:00:00')"
            )
        )
    upgrade(empty_db.url)
    with empty_db.engine.connect() as conn:
        members = conn.execute(
            text(
                "SELECT id, position, relationship, given_name, family_name, name_key, person "
                "FROM household_members WHERE case_id = 7"
            )
        ).all()
        links = conn.execute(text("SELECT consent_id, member_id, guardian_id FROM consent_members")).all()
    ((member_id, position, relationship, given, family, key, person),) = members
    assert (position, relationship, given, family, key) == (1, "self", "Amina", "Müller", "MLR")
    # the encrypted client record, copied as it is (PostgreSQL's driver decodes the JSON string, SQLite's not)
    assert person in (client, json.dumps(client))
    assert links == [(3, member_id, None)]
