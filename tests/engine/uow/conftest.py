"""Fixtures of the unit-of-work tests: the app's session factory and the statements it sends."""

from __future__ import annotations

import pytest
from sqlalchemy import event


@pytest.fixture
def sessions(app):
    return app.extensions["kim"]["sessions"]


@pytest.fixture
def sent(app):
    """The statements the engine sends, in order."""
    seen: list[str] = []
    engine = app.extensions["kim"]["engine"]

    def listener(_conn, _cursor, statement, *_rest):
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", listener)
    yield seen
    event.remove(engine, "before_cursor_execute", listener)
