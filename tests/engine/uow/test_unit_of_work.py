"""The unit of work (engine/uow.py): one transaction, committed once, rolled back whole on error."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from engine import crypto
from engine.audit.models import AuditEntry
from engine.cases.models import Case
from engine.cases.service import open_case, read_case
from engine.db import begin_write
from engine.models import Base
from engine.uow import fail, unit_of_work
from tests.engine.timers.helpers import actor


class Boom(Exception):
    """A failure after some work was done."""


@pytest.fixture
def transactions(app):
    """The engine's transaction events, in order (begin, commit, rollback)."""
    seen: list[str] = []
    engine = app.extensions["kim"]["engine"]
    listeners = {name: (lambda *_a, _n=name: seen.append(_n)) for name in ("begin", "commit", "rollback")}
    for name, fn in listeners.items():
        event.listen(engine, name, fn)
    yield seen
    for name, fn in listeners.items():
        event.remove(engine, name, fn)


def _audit_rows(sessions) -> int:
    with unit_of_work(sessions, write=False) as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


def _new_case(sessions) -> int:
    with unit_of_work(sessions) as s:
        return open_case(
            s,
            user=actor(s, "cm-borchen"),
            municipality="Borchen",
            client={"given_name": "Lina", "family_name": "Unit"},
        ).id


def test_an_error_after_an_audit_row_rolls_the_row_back(sessions):
    case_id = _new_case(sessions)
    before = _audit_rows(sessions)
    with pytest.raises(Boom), unit_of_work(sessions) as s:
        read_case(s, user=actor(s, "cm-borchen"), case_id=case_id)  # writes an audit row
        s.flush()
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == before + 1
        raise Boom
    assert _audit_rows(sessions) == before
    with unit_of_work(sessions) as s:  # the same reading without the error is kept
        read_case(s, user=actor(s, "cm-borchen"), case_id=case_id)
    assert _audit_rows(sessions) == before + 1


def test_a_unit_marked_failed_rolls_back_without_an_exception(sessions):
    case_id = _new_case(sessions)
    before = _audit_rows(sessions)
    with unit_of_work(sessions) as s:
        read_case(s, user=actor(s, "cm-borchen"), case_id=case_id)
        fail(s)
    assert _audit_rows(sessions) == before


def test_several_writing_services_make_one_transaction_committed_once(sessions, transactions, db):
    case_id = _new_case(sessions)
    transactions.clear()
    with unit_of_work(sessions) as s:
        user = actor(s, "cm-borchen")
        read_case(s, user=user, case_id=case_id)
        begin_write(s)  # a second service stating that it writes: no commit in between
        read_case(s, user=user, case_id=case_id)
        assert transactions == ["begin"]
    assert transactions == ["begin", "commit"]


def test_a_writing_unit_takes_the_sqlite_write_lock_at_its_start(app, sessions, db):
    statements: list[str] = []
    engine = app.extensions["kim"]["engine"]

    def remember(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", remember)
    try:
        with unit_of_work(sessions):
            pass
        with unit_of_work(sessions, write=False) as s:
            s.scalar(select(func.count()).select_from(Case))
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    begins = [st for st in statements if st.startswith("BEGIN")]
    assert begins == (["BEGIN IMMEDIATE", "BEGIN"] if db.is_sqlite else [])


def test_begin_write_in_a_read_only_unit_is_a_programming_error(sessions):
    with pytest.raises(RuntimeError, match="read-only"), unit_of_work(sessions, write=False) as s:
        begin_write(s)


def test_begin_write_inside_a_read_transaction_raises_instead_of_committing(sessions, transactions):
    with sessions() as s:
        s.scalar(select(func.count()).select_from(Case))
        with pytest.raises(RuntimeError, match="read-only transaction"):
            begin_write(s)
    assert "commit" not in transactions


def test_a_read_only_unit_refuses_to_flush_changes(sessions):
    case_id = _new_case(sessions)
    with pytest.raises(RuntimeError, match="read-only"), unit_of_work(sessions, write=False) as s:
        s.get(Case, case_id).family_name = "Changed"
        s.flush()
    with unit_of_work(sessions, write=False) as s:
        assert s.get(Case, case_id).family_name == "Unit"


def test_key_rotation_failing_midway_rolls_its_batch_back(sessions, db):
    first, second = _new_case(sessions), _new_case(sessions)
    # The first case's client data is legacy plaintext (rotation would encrypt it); the second
    # holds a token no configured key opens, so the batch holding both fails after the first.
    db.execute("UPDATE cases SET client = :raw WHERE id = :id", raw='{"given_name": "Lina"}', id=first)
    db.execute(
        "UPDATE cases SET client = :raw WHERE id = :id",
        raw='"' + crypto.Fernet(crypto.Fernet.generate_key()).encrypt(b"{}").decode() + '"',
        id=second,
    )
    with pytest.raises(crypto.DataKeyError):
        crypto.reencrypt(sessions, Base.metadata, batch_size=1000)
    (raw,) = db.rows("SELECT client FROM cases WHERE id = :id", id=first)[0]
    assert "Lina" in str(raw)  # still the plaintext: nothing of the failed batch was saved
