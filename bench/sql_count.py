"""SQL statements and database round trips per HTTP request, counted in the app's own process.

The timed server (``kim serve``) runs in its own process, where nothing can count its statements. The
benchmark therefore also serves the same app in process, against the same database, on a real HTTP
server thread (werkzeug, one request at a time) and counts with SQLAlchemy's events on the app's
engine while it sends each kind of request again:

* statements: every ``cursor.execute``/``executemany`` (``before_cursor_execute``), BEGIN and COMMIT not
  included. On SQLite our BEGIN (``BEGIN IMMEDIATE``, engine/db.py) is itself a cursor statement and is
  moved to the BEGIN count.
* round trips: statements plus BEGIN, COMMIT, ROLLBACK and the ping of a pooled connection that
  rested, each one exchange with the server on PostgreSQL (psycopg sends BEGIN on its own before the
  first statement of a transaction).
  SQLite runs in the process, so its "round trips" are calls into the library, counted the same way.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


class StatementCounter:
    """Counts what an engine sends to the database; ``take()`` returns and resets the counts."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.counts: Counter[str] = Counter()
        self.statements: list[str] = []
        self._lock = threading.Lock()
        self._postgres = engine.dialect.name == "postgresql"
        event.listen(engine, "before_cursor_execute", self._on_statement)
        event.listen(engine, "begin", self._on_begin)
        event.listen(engine, "commit", self._on_commit)
        event.listen(engine, "rollback", self._on_rollback)
        ping = engine.dialect.do_ping

        def counted_ping(dbapi_connection: Any) -> bool:
            self._add("ping", "-- ping (rested connection)")
            return ping(dbapi_connection)

        engine.dialect.do_ping = counted_ping  # type: ignore[method-assign]

    def _add(self, kind: str, text: str) -> None:
        with self._lock:
            self.counts[kind] += 1
            self.statements.append(text)

    def _on_statement(self, _conn, _cursor, statement: str, _params, _context, executemany: bool) -> None:
        head = statement.lstrip()[:16].upper()
        if head.startswith("BEGIN"):
            self._add("begin", statement)
        else:
            self._add("statement", ("executemany: " if executemany else "") + " ".join(statement.split()))

    def _on_begin(self, _conn) -> None:
        if self._postgres:  # psycopg's implicit BEGIN; SQLite's is a cursor statement (above)
            self._add("begin", "BEGIN")

    def _on_commit(self, _conn) -> None:
        self._add("commit", "COMMIT")

    def _on_rollback(self, _conn) -> None:
        self._add("rollback", "ROLLBACK")

    def take(self) -> dict:
        with self._lock:
            counts, self.counts = self.counts, Counter()
            statements, self.statements = self.statements, []
        return {
            "statements": counts["statement"],
            "round_trips": sum(counts.values()),
            "detail": dict(counts),
            "sql": statements,
        }


def serve_in_thread(app: Any, port: int) -> Callable[[], None]:
    """The app on 127.0.0.1:port (werkzeug, one request at a time, keep-alive); returns a stop function."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access line per counted request
    WSGIRequestHandler.protocol_version = "HTTP/1.1"  # keep-alive, like the timed server
    server = make_server("127.0.0.1", port, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(timeout=10)

    return stop
