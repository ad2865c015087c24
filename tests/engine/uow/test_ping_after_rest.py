"""A pooled PostgreSQL connection is pinged only after it rested (engine/db.py, issue 23).

A connection in steady use goes out without the extra round trip; one that rested longer than the
limit is checked first, and a dead one is replaced before the request sees it. The server side is
real: the backend is ended with ``pg_terminate_backend``, as a server restart would.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy.exc import OperationalError

from engine.db import make_engine

pytestmark = pytest.mark.postgres


class Pings:
    def __init__(self, engine):
        self.count = 0
        ping = engine.dialect.do_ping

        def counted(dbapi_connection):
            self.count += 1
            return ping(dbapi_connection)

        engine.dialect.do_ping = counted


def _backend(engine) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()


def _end_backend(db, pid: int) -> None:
    assert db.rows("SELECT pg_terminate_backend(:pid)", pid=pid) == [(True,)]


def test_a_dead_connection_that_rested_is_replaced_before_use(db):
    engine = make_engine(db.url, ping_after_rest=0.05)
    pings = Pings(engine)
    try:
        first = _backend(engine)
        _end_backend(db, first)
        time.sleep(0.2)
        second = _backend(engine)  # no error: the ping found the dead connection, the pool opened one
        assert second != first
        assert pings.count == 1
    finally:
        engine.dispose()


def test_a_connection_in_steady_use_is_not_pinged(db):
    engine = make_engine(db.url, ping_after_rest=60)
    pings = Pings(engine)
    try:
        first = _backend(engine)
        assert [_backend(engine) for _ in range(5)] == [first] * 5  # the same pooled connection
        assert pings.count == 0
        # The price: a connection that died within the limit fails its next use once; SQLAlchemy
        # then drops the pool's connections, and the use after it works on a new one (the API
        # answers that one request with 503, tests/ops/test_db_outage.py).
        _end_backend(db, first)
        with pytest.raises(OperationalError):
            _backend(engine)
        assert _backend(engine) != first
    finally:
        engine.dispose()
