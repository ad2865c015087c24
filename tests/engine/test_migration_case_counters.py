"""Migration 0028 on an existing database: case numbers kept and continued, user names per county."""

from __future__ import annotations

import json

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from engine.cases.numbers import next_number
from engine.crypto import encrypt_text
from engine.db import make_session_factory
from engine.migrate import alembic_config, upgrade
from engine.uow import unit_of_work

CASES = [  # id, tenant, number
    (7, 1, "PB-2026-000007"),
    (12, 1, "PB-2026-000012"),
    (3, 1, "PB-2025-000003"),
    (9, 2, "HX-2026-000009"),
]


def test_existing_numbers_stay_and_the_next_case_continues_after_them(empty_db):
    command.upgrade(alembic_config(empty_db.url), "0019")
    client = json.dumps(encrypt_text(json.dumps({"given_name": "Amina", "family_name": "Müller"})))
    with empty_db.engine.begin() as conn:
        for tenant_id, key, prefix in ((1, "paderborn", "PB"), (2, "hoexter", "HX")):
            conn.execute(
                text("INSERT INTO tenants (id, key, name, case_prefix) VALUES (:id, :key, :key, :prefix)"),
                {"id": tenant_id, "key": key, "prefix": prefix},
            )
            conn.execute(
                text(
                    "INSERT INTO municipalities (id, tenant_id, key, name, has_case_management) "
                    "VALUES (:id, :id, 'ort', 'Ort', true)"
                ),
                {"id": tenant_id},
            )
        for case_id, tenant_id, number in CASES:
            conn.execute(
                text(
                    "INSERT INTO cases (id, case_number, pseudonym, tenant_id, municipality_id, status, "
                    "opened_at, family_name, given_name, client, legal_hold) VALUES (:id, :number, "
                    ":pseudonym, :tenant, :tenant, 'open', '2026-01-02 10:00:00', 'Müller', 'Amina', "
                    ":client, false)"
                ),
                {
                    "id": case_id,
                    "number": number,
                    "pseudonym": f"K-{case_id}",
                    "tenant": tenant_id,
                    "client": client,
                },
            )
    upgrade(empty_db.url)
    with empty_db.engine.connect() as conn:
        numbers = conn.execute(text("SELECT id, tenant_id, case_number FROM cases ORDER BY id")).all()
        counters = conn.execute(
            text("SELECT tenant_id, year, last_number FROM case_counters ORDER BY tenant_id, year")
        ).all()
    assert sorted((tuple(r) for r in numbers), key=lambda r: r[0]) == sorted(CASES)
    assert [tuple(r) for r in counters] == [(1, 2025, 3), (1, 2026, 12), (2, 2026, 9)]
    sessions = make_session_factory(empty_db.engine)
    with unit_of_work(sessions) as s:
        assert next_number(s, 1, 2026) == 13
        assert next_number(s, 2, 2026) == 10
        assert next_number(s, 2, 2027) == 1

    user = (
        "INSERT INTO users (username, display_name, password_hash, role, tenant_id, active, created_at, "
        "failed_logins) VALUES ('coordinator', 'K', 'x', 'coordinator', :tenant, true, '2026-01-02', 0)"
    )
    with empty_db.engine.begin() as conn:  # the same name in two counties
        conn.execute(text(user), {"tenant": 1})
        conn.execute(text(user), {"tenant": 2})
    with pytest.raises(IntegrityError), empty_db.engine.begin() as conn:  # twice in one county: no
        conn.execute(text(user), {"tenant": 1})
