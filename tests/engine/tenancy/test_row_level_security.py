"""Row-Level Security on PostgreSQL: a query that forgets the tenant filter still sees only its tenant.

The application connects as ``kim_app``, a role that is no superuser, owns no table and cannot bypass
RLS (docs/production.md). Two tenants share the database (conftest.py).
"""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from api.app import create_app
from engine.db import make_session_factory
from engine.tenancy import scope
from engine.uow import unit_of_work

pytestmark = pytest.mark.postgres

APP_ROLE = "kim_app"
# tables the two cases left rows in, read deliberately without any filter
READ = (
    "cases",
    "history",
    "tasks",
    "audit_log",
    "process_instances",
    "consents",
    "consent_members",
    "household_members",
    "programme_events",
)


def _app_url(db) -> str:
    name = db.url.rsplit("/", 1)[1]
    db.execute(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN "
        f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; END IF; END $$"
    )
    db.execute(f"GRANT CONNECT ON DATABASE {name} TO {APP_ROLE}")
    db.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
    db.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
    db.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
    return db.url.replace("postgres@", f"{APP_ROLE}@", 1)


@pytest.fixture
def app_sessions(db):
    engine = create_engine(_app_url(db), poolclass=NullPool)
    yield make_session_factory(engine)
    engine.dispose()


def _count(db, table: str, tenant: int) -> int:
    return db.rows(f"SELECT count(*) FROM {table} WHERE tenant_id = :t", t=tenant)[0][0]


def test_the_app_role_is_bound_by_the_policies(db, app_sessions):
    with unit_of_work(app_sessions, write=False) as session:
        assert session.execute(
            text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        ).one() == (False, False)


def test_an_unfiltered_query_sees_only_its_tenant(db, two_tenants, app_sessions):
    a, b, a_case, b_case = two_tenants
    for tenant in (a, b):
        with unit_of_work(app_sessions, write=False, tenant=tenant) as session:
            for table in READ:
                seen = session.execute(
                    text(f"SELECT tenant_id, count(*) FROM {table} GROUP BY tenant_id")
                ).all()
                assert seen == [(tenant, _count(db, table, tenant))], table
            other = b_case if tenant == a else a_case
            assert (
                session.execute(text("SELECT count(*) FROM cases WHERE id = :c"), {"c": other}).scalar() == 0
            )
    for table in READ:  # both tenants have rows there (what the superuser, bound by nothing, sees)
        assert _count(db, table, a) > 0 and _count(db, table, b) > 0, table


def _refused(app_sessions, tenant, sql: str, **params) -> None:
    with (
        pytest.raises(DBAPIError, match="row-level security"),
        unit_of_work(app_sessions, tenant=tenant) as session,
    ):
        session.execute(text(sql), params)


def test_writes_for_another_tenant_are_refused(db, two_tenants, app_sessions):
    a, b, _a_case, b_case = two_tenants
    with unit_of_work(app_sessions, tenant=a) as session:
        # another tenant's rows are not there for UPDATE or DELETE either
        changed = session.execute(text("UPDATE cases SET status = status WHERE id = :c"), {"c": b_case})
        assert changed.rowcount == 0
        assert session.execute(text("DELETE FROM history WHERE case_id = :c"), {"c": b_case}).rowcount == 0
    _refused(
        app_sessions,
        a,
        "INSERT INTO mail_outbox (key, kind, user_id, tenant_id, subject, body, status, attempts, "
        "created_at, next_attempt_at) "
        "SELECT 'x', 'digest', id, :b, 's', 'b', 'pending', 0, now(), now() FROM users LIMIT 1",
        b=b,
    )
    _refused(app_sessions, a, "UPDATE cases SET tenant_id = :b", b=b)  # moving one's rows to another tenant
    assert db.rows("SELECT count(*) FROM cases WHERE tenant_id = :b", b=b)[0][0] == 1


def test_without_a_scope_nothing_is_visible(db, two_tenants, app_sessions):
    session = app_sessions()
    try:
        for table in (*READ, "users", "api_tokens", "timers"):
            assert session.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
        assert session.execute(text("SELECT count(*) FROM tenants")).scalar() == 2  # no tenant data
    finally:
        session.close()


def test_the_state_scope_reads_programme_events_of_every_tenant_and_nothing_else(
    db, two_tenants, app_sessions
):
    a, b, *_ = two_tenants
    with unit_of_work(app_sessions, write=False, tenant=scope.STATE) as session:
        events = dict(
            session.execute(text("SELECT tenant_id, count(*) FROM programme_events GROUP BY 1")).all()
        )
        assert events == {a: _count(db, "programme_events", a), b: _count(db, "programme_events", b)}
        assert session.execute(text("SELECT count(*) FROM tenants")).scalar() == 2
        for table in (*READ[:-1], "users", "municipalities"):
            assert session.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
    with unit_of_work(app_sessions, tenant=scope.STATE) as session:  # sees none of them to change
        assert session.execute(text("UPDATE programme_events SET kind = kind")).rowcount == 0
    _refused(
        app_sessions,
        scope.STATE,
        "INSERT INTO audit_log (id, at, username, action, tenant_id) VALUES (-1, now(), 'x', 'x', :a)",
        a=a,
    )


def test_all_tenant_scope_sees_both_and_identity_only_accounts(db, two_tenants, app_sessions):
    a, b, *_ = two_tenants
    with unit_of_work(app_sessions, write=False) as session:  # a job: all tenants
        assert dict(session.execute(text("SELECT tenant_id, count(*) FROM cases GROUP BY 1")).all()) == {
            a: 1,
            b: 1,
        }
    with unit_of_work(app_sessions, write=False, tenant=scope.IDENTITY) as session:
        assert session.execute(text("SELECT count(*) FROM users")).scalar() == _count(db, "users", a)
        assert session.execute(text("SELECT count(*) FROM cases")).scalar() == 0
        assert session.execute(text("SELECT count(*) FROM history")).scalar() == 0


def test_the_scope_changes_inside_a_transaction(db, two_tenants, app_sessions):
    _a, b, *_ = two_tenants
    with unit_of_work(app_sessions, write=False, tenant=scope.IDENTITY) as session:
        assert session.execute(text("SELECT count(*) FROM cases")).scalar() == 0
        scope.use_tenant(session, b)
        assert session.execute(text("SELECT tenant_id FROM cases")).scalars().all() == [b]
        assert scope.current_tenant(session) == b


def test_every_table_with_a_tenant_has_row_level_security_forced_and_a_policy(db):
    tables = [
        r[0]
        for r in db.rows(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND column_name = 'tenant_id' ORDER BY 1"
        )
    ]
    assert len(tables) >= 40
    rows = {
        r[0]: r[1:]
        for r in db.rows(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
            "(SELECT count(*) FROM pg_policies p "
            "WHERE p.tablename = c.relname AND p.policyname = 'kim_tenant') "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r'"
        )
    }
    missing = [t for t in tables if rows[t] != (True, True, 1)]
    assert missing == []


def test_requests_as_the_app_role_act_for_the_users_tenant(db, two_tenants, settings, app_sessions):
    """The whole request path as the non-superuser: login (identity lookup), then the tenant's reads."""
    *_, a_case, b_case = two_tenants
    app = create_app(dataclasses.replace(settings, database_url=_app_url(db)))
    client = app.test_client()
    r = client.post(
        "/api/v1/auth/token", json={"username": "cm-borchen", "password": "demo", "tenant": "paderborn"}
    )
    assert r.status_code == 200, r.json
    headers = {"Authorization": f"Bearer {r.json['access_token']}"}
    assert r.json["user"]["municipality"]  # the account's places, read before the tenant was known
    listed = client.get("/api/v1/cases", headers=headers)
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json["items"]] == [a_case]
    assert client.get(f"/api/v1/cases/{b_case}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/cases/{a_case}", headers=headers).status_code == 200
    h = client.get(f"/api/v1/cases/{a_case}/history", headers=headers)
    assert h.status_code == 200, h.json
