"""The tenant of new rows (engine/tenancy/fill.py) and the migration of a single-county installation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import select

from engine.access.models import ApiToken, User
from engine.clock import utcnow
from engine.db import make_session_factory
from engine.instances.models import ProcessInstance
from engine.mail.models import OutboxMail
from engine.migrate import alembic_config, upgrade
from engine.processes.models import ProcessVersion
from engine.tenancy.fill import PARENTS, MissingTenant
from engine.uow import unit_of_work
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case


def _token(user_id: int, name: str) -> ApiToken:
    now = utcnow()
    return ApiToken(
        token_hash=name * 64, user_id=user_id, created_at=now, expires_at=now + timedelta(hours=1), kind="api"
    )


def test_a_new_row_takes_the_units_tenant_else_its_parents(db):
    sessions = make_session_factory(db.engine)
    with unit_of_work(sessions) as session:
        user = session.scalars(select(User).where(User.username == "cm-borchen")).one()
        tenant, user_id = user.tenant_id, user.id
    db.execute("INSERT INTO tenants (key, name, case_prefix) VALUES ('hoexter', 'Kreis Höxter', 'HX')")
    (other,) = db.rows("SELECT id FROM tenants WHERE key = 'hoexter'")[0]
    with unit_of_work(sessions, tenant=other) as session:  # the unit's tenant wins
        session.add(_token(user_id, "a"))
    with unit_of_work(sessions) as session:  # all tenants: from the parent row (the user)
        session.add(_token(user_id, "b"))
        now = utcnow()
        session.add(
            OutboxMail(
                key="k", kind="digest", user_id=user_id, subject="s", body="b", status="pending",
                attempts=0, created_at=now, next_attempt_at=now,
            )
        )  # fmt: skip
    assert db.rows("SELECT token_hash, tenant_id FROM api_tokens WHERE token_hash IN (:a, :b) ORDER BY 1",
                   a="a" * 64, b="b" * 64) == [("a" * 64, other), ("b" * 64, tenant)]  # fmt: skip
    assert db.rows("SELECT tenant_id FROM mail_outbox WHERE key = 'k'") == [(tenant,)]


def test_a_row_without_any_tenant_fails_the_flush(db):
    sessions = make_session_factory(db.engine)
    with pytest.raises(MissingTenant, match="process_instances"), unit_of_work(sessions) as session:
        version = session.scalars(select(ProcessVersion.id)).first()
        now = utcnow()
        session.add(
            ProcessInstance(
                case_id=None, process_version_id=version, process_id="x", status="running", state="",
                lock_version=0, created_at=now, updated_at=now,
            )
        )  # fmt: skip
        session.flush()
    assert db.rows("SELECT count(*) FROM process_instances WHERE process_id = 'x'") == [(0,)]


def test_a_single_county_installation_migrates_with_every_row_in_its_tenant(db, client, login):
    """A database at 0019 (before tenant_id on the fourteen tables) with one county's cases, migrated."""
    cm = login("cm-borchen")
    for _ in range(2):
        case = open_case(client, cm)
        complete(client, cm, case["id"], "first_contact", d.FIRST_CONTACT)
        complete(client, cm, case["id"], "consent", d.CONSENT_YES)
    numbers = db.rows("SELECT id, case_number, tenant_id FROM cases ORDER BY id")
    (tenant,) = {row[2] for row in numbers}
    db.dispose()
    command.downgrade(alembic_config(db.url), "0019")
    assert db.rows("SELECT count(*) FROM history")[0][0] > 0
    with pytest.raises(Exception, match="tenant_id"):
        db.rows("SELECT tenant_id FROM history")
    db.dispose()
    upgrade(db.url)
    assert db.rows("SELECT id, case_number, tenant_id FROM cases ORDER BY id") == numbers
    for table in PARENTS:
        assert db.rows(f"SELECT DISTINCT tenant_id FROM {table}") in ([(tenant,)], []), table
    for table in (
        "api_tokens",
        "body_members",
        "consents",
        "consent_members",
        "process_instances",
        "history",
    ):
        assert db.rows(f"SELECT count(*) FROM {table} WHERE tenant_id = :t", t=tenant)[0][0] > 0, table
