"""Writes sent together (engine/writes.py): on PostgreSQL one statement with the next one, and still
nothing lost, nothing read stale, nothing written under the wrong scope; elsewhere at once."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, func, select, update

from engine import writes
from engine.errors import Conflict
from engine.org.models import Municipality, Tenant
from engine.tenancy import scope
from engine.uow import unit_of_work
from tests.conftest import BACKEND

POSTGRES = BACKEND == "postgresql"


def _rename(tenant_id: int, name: str):
    return update(Tenant).where(Tenant.id == tenant_id).values(name=name)


def _tenant(sessions) -> tuple[int, str]:
    with unit_of_work(sessions, write=False) as session:
        row = session.execute(select(Tenant.id, Tenant.name).order_by(Tenant.id).limit(1)).one()
        return int(row[0]), str(row[1])


def _name(sessions, tenant_id: int) -> str:
    with unit_of_work(sessions, write=False) as session:
        return session.scalar(select(Tenant.name).where(Tenant.id == tenant_id))


def _municipality(sessions) -> int:
    with unit_of_work(sessions, write=False) as session:
        return session.scalar(select(Municipality.id).order_by(Municipality.id).limit(1))


def test_kept_writes_go_out_before_the_next_read_which_sees_them(sessions, sent):
    tenant_id, _ = _tenant(sessions)
    municipality_id = _municipality(sessions)
    with unit_of_work(sessions) as session:
        session.scalar(select(func.count()).select_from(Tenant))
        sent.clear()
        writes.later(session, _rename(tenant_id, "Kreis Eins"), expect=1)
        writes.later(
            session,
            update(Municipality).where(Municipality.id == municipality_id).values(name="Gemeinde Eins"),
            expect=1,
        )
        assert writes.pending(session) == (2 if POSTGRES else 0)
        assert len(sent) == (0 if POSTGRES else 2)
        assert session.scalar(select(Tenant.name).where(Tenant.id == tenant_id)) == "Kreis Eins"
        if POSTGRES:  # both updates and then the read: two statements, the first one WITH ... parts
            assert len(sent) == 2 and sent[0].startswith("WITH kim_w0 AS (UPDATE tenants")
            assert "kim_w1 AS (UPDATE municipalities" in sent[0]
    assert _name(sessions, tenant_id) == "Kreis Eins"


def test_a_table_changed_twice_goes_out_in_two_statements(sessions, sent):
    """PostgreSQL changes a row once per statement: the second UPDATE would silently miss it."""
    tenant_id, _ = _tenant(sessions)
    with unit_of_work(sessions) as session:
        session.scalar(select(func.count()).select_from(Tenant))
        sent.clear()
        writes.later(session, _rename(tenant_id, "Kreis Zwischen"), expect=1)
        writes.later(session, _rename(tenant_id, "Kreis Ende"), expect=1)
        writes.send(session)
        assert len(sent) == 2
    assert _name(sessions, tenant_id) == "Kreis Ende"


def test_send_adds_its_statements_to_the_kept_ones(sessions, sent):
    tenant_id, _ = _tenant(sessions)
    with unit_of_work(sessions) as session:
        session.scalar(select(func.count()).select_from(Tenant))
        sent.clear()
        writes.later(session, _rename(tenant_id, "Kreis Zwei"))
        writes.send(session, _rename(tenant_id, "Kreis Zwei"))
        assert len(sent) == (1 if POSTGRES else 2)
        assert writes.pending(session) == 0
    assert _name(sessions, tenant_id) == "Kreis Zwei"


_RENAME_KEPT = update(Tenant).where(Tenant.id == bindparam("t_id")).values(name=bindparam("t_name"))
_RENAME_PLACE = (
    update(Municipality).where(Municipality.id == bindparam("m_id")).values(name=bindparam("m_name"))
)


def test_statements_built_once_take_their_values_as_parameters(sessions, sent):
    tenant_id, _ = _tenant(sessions)
    municipality_id = _municipality(sessions)
    for name in ("Kreis Sechs", "Kreis Sieben"):  # the same statement objects, twice
        with unit_of_work(sessions) as session:
            session.scalar(select(func.count()).select_from(Tenant))
            sent.clear()
            writes.later(session, _RENAME_KEPT, params={"t_id": tenant_id, "t_name": name}, expect=1)
            writes.send(session, writes.Part(_RENAME_PLACE, params={"m_id": municipality_id, "m_name": name}))
            assert len(sent) == (1 if POSTGRES else 2)
        assert _name(sessions, tenant_id) == name
        with unit_of_work(sessions, write=False) as session:
            assert session.scalar(select(Municipality.name).where(Municipality.id == municipality_id)) == name


@pytest.mark.skipif(not POSTGRES, reason="only PostgreSQL sends parts together in one statement")
def test_parts_sent_together_may_not_bind_the_same_parameter(sessions):
    tenant_id, before = _tenant(sessions)
    with pytest.raises(RuntimeError, match="t_name"), unit_of_work(sessions) as session:
        writes.later(session, _RENAME_KEPT, params={"t_id": tenant_id, "t_name": "Kreis Acht"}, expect=1)
        writes.send(
            session,
            writes.Part(
                update(Municipality).values(name=bindparam("t_name")).where(Municipality.id == -1),
                params={"t_name": "anders"},
            ),
        )
    assert _name(sessions, tenant_id) == before


def test_a_part_that_misses_its_row_count_raises_its_error_and_nothing_is_written(sessions):
    tenant_id, before = _tenant(sessions)
    with pytest.raises(Conflict, match="gleichzeitig"), unit_of_work(sessions) as session:
        writes.later(session, _rename(tenant_id, "Kreis Drei"))
        writes.later(
            session,
            _rename(-1, "niemand"),
            expect=1,
            error=Conflict("gleichzeitig geändert", kind="concurrent-change"),
        )
        writes.send(session)
    assert _name(sessions, tenant_id) == before


def test_the_commit_sends_what_is_kept(sessions):
    tenant_id, _ = _tenant(sessions)
    with unit_of_work(sessions) as session:
        writes.later(session, _rename(tenant_id, "Kreis Vier"))
    assert _name(sessions, tenant_id) == "Kreis Vier"


def test_a_rollback_drops_what_is_kept(sessions):
    tenant_id, before = _tenant(sessions)
    session = sessions()
    with unit_of_work(lambda: session) as unit:
        writes.later(unit, _rename(tenant_id, "Kreis Fünf"))
        unit.rollback()
        assert writes.pending(unit) == 0
    assert _name(sessions, tenant_id) == before


@pytest.mark.skipif(not POSTGRES, reason="scopes are set on PostgreSQL only; SQLite writes at once")
def test_kept_writes_go_out_under_the_scope_they_were_made_in(sessions, sent):
    tenant_id, _ = _tenant(sessions)
    with unit_of_work(sessions, tenant=tenant_id) as session:
        session.scalar(select(func.count()).select_from(Tenant))
        sent.clear()
        writes.later(session, _rename(tenant_id, "Kreis Sechs"))
        scope.use_all_tenants(session)
        assert sent[0].startswith("UPDATE tenants") and "set_config" in sent[1]
    assert _name(sessions, tenant_id) == "Kreis Sechs"


_RENAME_ONCE = writes.kept(
    update(Tenant).where(Tenant.id == bindparam("o_id")).values(name=bindparam("o_name"))
)
_RENAME_PLACE_ONCE = writes.kept(
    update(Municipality).where(Municipality.id == bindparam("p_id")).values(name=bindparam("p_name"))
)


@pytest.mark.skipif(not POSTGRES, reason="only PostgreSQL sends parts together in one statement")
def test_the_one_statement_of_kept_statements_is_built_once_and_of_others_every_time(sessions, sent):
    tenant_id, _ = _tenant(sessions)
    municipality_id = _municipality(sessions)
    built = []
    for name in ("Kreis Elf", "Kreis Zwölf"):
        with unit_of_work(sessions) as session:
            sent.clear()
            before = dict(writes._COMBINED)
            writes.later(session, _RENAME_ONCE, params={"o_id": tenant_id, "o_name": name}, expect=1)
            writes.send(
                session, writes.Part(_RENAME_PLACE_ONCE, params={"p_id": municipality_id, "p_name": name})
            )
            assert len(sent) == 1
            built.append({k: v for k, v in writes._COMBINED.items() if k not in before})
        assert _name(sessions, tenant_id) == name  # the second time with the kept statement: its new values
    assert len(built[0]) == 1 and built[1] == {}
    size = len(writes._COMBINED)
    with unit_of_work(sessions) as session:  # statements built for this call: combined, and not kept
        writes.later(session, _rename(tenant_id, "Kreis Dreizehn"), expect=1)
        writes.send(
            session,
            update(Municipality).where(Municipality.id == municipality_id).values(name="Kreis Dreizehn"),
        )
    assert len(writes._COMBINED) == size and _name(sessions, tenant_id) == "Kreis Dreizehn"
