"""A new object inserted by a statement built once (engine/inserted.py): the same row as the ORM's
flush writes, the object persistent and fully loaded, and the ORM's flush wherever that cannot be
promised."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Integer, String, inspect, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from engine import inserted
from engine.cases.models import Case
from engine.org.models import Municipality
from engine.uow import unit_of_work

OPENED = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
CLIENT = {"given_name": "Amina", "family_name": "Haddad", "birth_date": "1990-04-02"}


def _case(place: Municipality, number: str) -> Case:
    return Case(
        case_number=number,
        pseudonym="K-" + number,
        tenant_id=place.tenant_id,
        municipality_id=place.id,
        status="open",
        opened_at=OPENED,
        family_name="Haddad",
        given_name="Amina",
        client=dict(CLIENT),
    )  # team, manager, closure, route, hold reason, dates: unset (NULL); legal_hold: its default


def _row(session, case_id: int) -> dict:
    table = Case.__table__
    row = session.execute(select(table).where(table.c.id == case_id)).mappings().one()
    return {k: v for k, v in row.items() if k not in ("id", "case_number", "pseudonym")}


def test_the_row_is_the_one_the_orm_writes(sessions, sent):
    with unit_of_work(sessions) as session:
        place = session.scalars(select(Municipality).limit(1)).one()
        fast = inserted.insert(session, _case(place, "T-1"))
        by_orm = _case(place, "T-2")
        session.add(by_orm)
        session.flush()
        assert fast.id and by_orm.id and fast.id != by_orm.id
        assert _row(session, fast.id) == _row(session, by_orm.id)
        stored = session.execute(text("SELECT client FROM cases WHERE id = :id"), {"id": fast.id}).scalar()
        assert "Haddad" not in str(stored)  # encrypted by the column's own type, as by the flush


def test_the_object_is_persistent_and_loaded(sessions, sent):
    with unit_of_work(sessions) as session:
        place = session.scalars(select(Municipality).limit(1)).one()
        case = inserted.insert(session, _case(place, "T-3"))
        state = inspect(case)
        assert state.persistent and not state.modified
        sent.clear()
        columns = {attr.key: getattr(case, attr.key) for attr in inspect(Case).column_attrs}
        assert session.get(Case, case.id) is case
        assert sent == []  # nothing read back: every column is known
        assert columns["legal_hold"] is False and columns["team_id"] is None
        assert columns["client"] == CLIENT
        case.status = "closed"  # later changes are flushed as updates of the same row
        session.flush()
        assert session.execute(select(Case.status).where(Case.id == case.id)).scalar() == "closed"


def test_pending_objects_go_first_through_the_flush(sessions):
    """Something the session holds unflushed may be the new row's parent: the ORM writes both."""
    with unit_of_work(sessions) as session:
        place = session.scalars(select(Municipality).limit(1)).one()
        waiting = _case(place, "T-4")
        session.add(waiting)
        case = inserted.insert(session, _case(place, "T-5"))
        assert waiting.id is not None and case.id is not None
        assert not session.new


class _Base(DeclarativeBase):
    pass


class _Computed(_Base):
    __tablename__ = "computed_defaults"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plain: Mapped[str | None] = mapped_column(String(10))
    constant: Mapped[str] = mapped_column(String(10), default="fixed")
    called: Mapped[str] = mapped_column(String(10), default=lambda: "called")
    server: Mapped[str] = mapped_column(String(10), server_default="db")
    required: Mapped[str] = mapped_column(String(10))


def test_what_the_database_or_python_would_compute_is_left_to_the_orm():
    full = _Computed(called="x", server="y", required="z")
    assert inserted._values(full) == {
        "plain": None,
        "constant": "fixed",
        "called": "x",
        "server": "y",
        "required": "z",
    }
    assert full.constant == "fixed" and full.plain is None  # the object holds what was written
    assert inserted._values(_Computed(server="y", required="z")) is None  # a default computed in Python
    assert inserted._values(_Computed(called="x", required="z")) is None  # the database's default
    assert inserted._values(_Computed(called="x", server="y")) is None  # NOT NULL and nothing given


def test_a_read_only_unit_refuses(sessions):
    with unit_of_work(sessions, write=False) as session:
        place = session.scalars(select(Municipality).limit(1)).one()
        with pytest.raises(RuntimeError):
            inserted.insert(session, _case(place, "T-6"))
