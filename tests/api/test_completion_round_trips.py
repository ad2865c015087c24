"""Database round trips of one task completion through the API, counted and capped (issue 23).

Counted with SQLAlchemy's events on the app's engine, for the whole request: every statement, BEGIN,
COMMIT and ROLLBACK, and on PostgreSQL the ping of a pooled connection that rested (engine/db.py; a
connection in steady use, as here, is not pinged), each one exchange with the server (psycopg sends
BEGIN on its own before a transaction's first statement). On SQLite our BEGIN IMMEDIATE is a
statement of its own (engine/db.py) and there is no ping. The request is an evaluation of a running
case: the step a case repeats for years. ``LIMITS`` is what the completion path needs today; a change
that adds a round trip fails here and names every one of them. Where they go: docs/performance.md.
"""

import pytest
from sqlalchemy import event

from engine.clock import utcnow
from tests import lifecycle_data as d
from tests.api.helpers import open_case, ready, run_to_evaluation
from tests.conftest import BACKEND

LIMITS = {"sqlite": 12, "postgresql": 8}


class Exchanges:
    """What the engine sends to the database, in order."""

    def __init__(self, engine):
        self.sent: list[str] = []
        self.postgres = engine.dialect.name == "postgresql"
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "begin", self._begin)
        event.listen(engine, "commit", lambda _conn: self.sent.append("COMMIT"))
        event.listen(engine, "rollback", lambda _conn: self.sent.append("ROLLBACK"))
        ping = engine.dialect.do_ping

        def counted_ping(dbapi_connection):
            self.sent.append("pre-ping")
            return ping(dbapi_connection)

        engine.dialect.do_ping = counted_ping

    def _statement(self, _conn, _cursor, statement, _params, _context, _many):
        self.sent.append(" ".join(statement.split())[:90])

    def _begin(self, _conn):
        if self.postgres:
            self.sent.append("BEGIN")


def _evaluation_task(client, headers) -> dict:
    """A case at its second evaluation (the first one filled this process's caches: form validators)."""
    case = open_case(client, headers)
    run_to_evaluation(client, headers, case["id"])
    (task,) = [t for t in ready(client, headers, case["id"]) if t["bpmn_id"] == "evaluation"]
    r = client.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": d.evaluation(True)}, headers=headers
    )
    assert r.status_code == 200, r.json
    (task,) = r.json["next_tasks"]
    return task


def _complete(client, headers, task, counter) -> tuple[list[str], dict]:
    counter.sent.clear()
    r = client.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": d.evaluation(True)}, headers=headers
    )
    assert r.status_code == 200, r.json
    return list(counter.sent), r.json


def test_a_task_completion_stays_within_its_round_trips(app, client, login):
    headers = login("cm-borchen")
    task = _evaluation_task(client, headers)
    counter = Exchanges(app.extensions["kim"]["engine"])
    sent, out = _complete(client, headers, task, counter)
    assert [t["bpmn_id"] for t in out["next_tasks"]] == ["evaluation"]
    listing = "\n".join(f"{i:>2}. {s}" for i, s in enumerate(sent, 1))
    assert len(sent) <= LIMITS[BACKEND], f"{len(sent)} round trips (limit {LIMITS[BACKEND]}):\n{listing}"
    assert sent[-1] == "COMMIT"
    assert sum(s.startswith("BEGIN") for s in sent) == 1, listing  # one transaction for the request
    # The next evaluation of the same case costs the same: nothing grows with the case's age.
    again, _ = _complete(client, headers, out["next_tasks"][0], counter)
    assert len(again) == len(sent), "\n".join(again)


def test_the_count_sees_every_statement(app, client, login):
    """The counter can fail: a request that reads one more row shows one more round trip."""
    headers = login("cm-borchen")
    task = _evaluation_task(client, headers)
    counter = Exchanges(app.extensions["kim"]["engine"])
    counter.sent.clear()
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=headers).status_code == 200
    reading = len(counter.sent)
    counter.sent.clear()
    assert client.get("/api/v1/tasks?per_page=1", headers=headers).status_code == 200
    assert reading > 0 and len(counter.sent) > 0


@pytest.fixture(autouse=True)
def _no_leftover_listeners(app):
    yield
    app.extensions["kim"]["engine"].dispose()


class VirtualMachineSteps:
    """SQLite's bytecode steps of every statement on the app's connections: the rows a statement
    visits, counted without a clock (sqlite3's progress handler, called every ``EVERY`` steps)."""

    EVERY = 10

    def __init__(self, engine):
        self.calls = 0
        event.listen(engine, "checkout", self._install)

    def _install(self, dbapi_connection, _record, _proxy):
        dbapi_connection.set_progress_handler(self._step, self.EVERY)

    def _step(self) -> int:
        self.calls += 1
        return 0  # go on

    def during(self, action) -> int:
        return self.during_with(action)[0]

    def during_with(self, action):
        """(the steps of ``action``, what it returned)."""
        self.calls = 0
        result = action()
        return self.calls * self.EVERY, result


@pytest.mark.skipif(BACKEND != "sqlite", reason="counts SQLite's bytecode steps")
def test_a_completion_reads_no_more_rows_when_the_case_has_aged(app, client, login):
    """The completion reads the task, the instance's ready tasks and its case through indexes only:
    a case's thousands of finished tasks are never visited (they were, one by one, when the read
    took every task of the instance and kept the open ones)."""
    from sqlalchemy import insert, select

    from engine.tasks.models import COMPLETED, TaskRecord

    headers = login("cm-borchen")
    task = _evaluation_task(client, headers)
    engine = app.extensions["kim"]["engine"]
    steps = VirtualMachineSteps(engine)
    young = steps.during(lambda: _complete(client, headers, task, Exchanges(engine)))
    table = TaskRecord.__table__
    with engine.begin() as conn:
        row = dict(conn.execute(select(table).where(table.c.status == "ready")).mappings().one())
        conn.execute(
            insert(table),
            [{**row, "id": f"aged-{i:05d}", "status": COMPLETED} for i in range(3000)],
        )
    task = {"id": row["id"]}
    aged = steps.during(lambda: _complete(client, headers, task, Exchanges(engine)))
    # Old plan: every finished task of the instance cost its index entry, its row and the test.
    assert aged < young * 1.2, (young, aged)


def many_current_versions(engine, n: int = 600) -> None:
    """``n`` more forms and processes, each with a current version: an installation of many
    counties, each with its own versions."""
    from sqlalchemy import insert

    from engine.processes.models import FormVersion, ProcessVersion

    now = utcnow()
    with engine.begin() as conn:
        conn.execute(
            insert(FormVersion),
            [
                {
                    "form_key": f"other-{i}",
                    "version": 1,
                    "content_hash": "x",
                    "schema": {},
                    "is_current": True,
                    "deployed_at": now,
                    "deployed_by": "test",
                }
                for i in range(n)
            ],
        )
        conn.execute(
            insert(ProcessVersion),
            [
                {
                    "process_id": f"other-{i}",
                    "version": 1,
                    "content_hash": "x",
                    "xml": "<x/>",
                    "is_current": True,
                }
                for i in range(n)
            ],
        )


@pytest.mark.skipif(BACKEND != "sqlite", reason="counts SQLite's bytecode steps")
def test_a_completion_reads_no_more_rows_when_the_installation_has_many_forms(app, client, login):
    """The current version of the task's form is found by its key: the other forms' current versions
    are never visited (they were, when the lookup went by ``is_current`` alone)."""
    headers = login("cm-borchen")
    task = _evaluation_task(client, headers)
    engine = app.extensions["kim"]["engine"]
    steps = VirtualMachineSteps(engine)
    few, (_sent, out) = steps.during_with(lambda: _complete(client, headers, task, Exchanges(engine)))
    many_current_versions(engine)
    many, _ = steps.during_with(lambda: _complete(client, headers, out["next_tasks"][0], Exchanges(engine)))
    assert many < few * 1.2, (few, many)
