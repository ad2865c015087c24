"""Query plans of the hot queries: the SQL the real code issues, explained on a filled database.

The test fills the big tables with ~100,000 cases (and their instances, history, tasks, timers,
follow-ups and programme facts) spread over 400 municipalities of 50 other tenants, the way a
state-wide installation looks from one case manager's scope, and updates the planner statistics.
It then calls the API (inbox, case search, case page, follow-up overview, figures) and the timer
scheduler's queries (next due, claim), captures every SELECT they send, and explains it:

- PostgreSQL: ``EXPLAIN (FORMAT JSON)``; no ``Seq Scan`` on a big table;
- SQLite: ``EXPLAIN QUERY PLAN``; a big table is only ever searched (``SEARCH ... USING ... INDEX``
  or the primary key), never scanned (``SCAN <table>``, with or without an index).
"""

from __future__ import annotations

import json
import os
import time

import pytest
from sqlalchemy import event

from tests.api.helpers import open_case
from tests.web.helpers import web_login

BIG = {
    "cases",
    "history",
    "tasks",
    "process_instances",
    "timers",
    "audit_log",
    "followups",
    "programme_events",
    "consents",
}
ROWS = int(os.environ.get("KIM_PLAN_ROWS", "100000"))
OTHER_TENANTS, OTHER_PLACES = 50, 400


def _numbers(db, n: int) -> str:
    """A FROM clause giving i = 1..n."""
    if db.is_sqlite:
        return (
            f"(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) "
            "SELECT i FROM s) AS n"
        )
    return f"generate_series(1, {n}) AS n(i)"


def _ts(db, minutes: str) -> str:
    """A timestamp ``minutes`` (an SQL expression) after 1 Jan 2019, as each backend stores it."""
    if db.is_sqlite:
        return f"strftime('%Y-%m-%d %H:%M:%f000', '2019-01-01', '+' || ({minutes}) || ' minutes')"
    return f"(timestamptz '2019-01-01 00:00:00+00' + ({minutes}) * interval '1 minute')"


def _day(db, days: str) -> str:
    if db.is_sqlite:
        return f"date('2025-08-01', '+' || ({days}) || ' days')"
    return f"(date '2025-08-01' + ({days})::int)"


def fill(db, *, rows: int) -> dict:
    """Bulk rows in SQL, scoped like a state-wide database; returns the ids the test needs."""
    (pb, borchen, uma, pv) = db.rows(
        "SELECT t.id, m.id, tm.id, "
        "(SELECT max(id) FROM process_versions WHERE process_id = 'case_lifecycle') "
        "FROM tenants t JOIN municipalities m ON m.tenant_id = t.id AND m.name = 'Borchen' "
        "JOIN teams tm ON tm.tenant_id = t.id AND tm.key = 'uma'"
    )[0]
    base = 1_000_000  # ids of the bulk rows start here, clear of what the services wrote
    n = _numbers
    json_empty = "'{}'" if db.is_sqlite else "CAST('{}' AS JSON)"
    db.execute(
        f"INSERT INTO tenants (id, key, name, case_prefix) SELECT {base} + i, 'plan-' || i, 'Kreis ' || i, "
        f"'P' || i FROM {n(db, OTHER_TENANTS)}"
    )
    db.execute(
        f"INSERT INTO municipalities (id, tenant_id, key, name, has_case_management) SELECT {base} + i, "
        f"{base} + 1 + i % {OTHER_TENANTS}, 'm' || i, 'Gemeinde ' || i, true FROM {n(db, OTHER_PLACES)}"
    )
    # Case i: 1 in 400 in Borchen, 1 in 400 in the UmA team (Kreis Paderborn), the rest elsewhere.
    place = f"(CASE WHEN i % {OTHER_PLACES} IN (0, 1) THEN {borchen} ELSE {base} + i % {OTHER_PLACES} END)"
    tenant = (
        f"(CASE WHEN i % {OTHER_PLACES} IN (0, 1) THEN {pb} "
        f"ELSE {base} + 1 + (i % {OTHER_PLACES}) % {OTHER_TENANTS} END)"
    )
    team = f"(CASE WHEN i % {OTHER_PLACES} = 1 THEN {uma} ELSE NULL END)"
    is_open = "(i % 20 = 0)"
    names = (
        "(CASE i % 5 WHEN 0 THEN 'Haddad' WHEN 1 THEN 'Yilmaz' WHEN 2 THEN 'Kovalenko' WHEN 3 THEN 'Rahimi' "
        "ELSE 'Diallo' END)"
    )
    db.execute(f"""INSERT INTO cases (id, case_number, pseudonym, tenant_id, municipality_id, team_id, status,
        closure_reason, route, opened_at, closed_at, case_manager_id, family_name, given_name, client,
        legal_hold, deletion_due_at)
        SELECT {base} + i, 'PL-' || i, 'K-PL' || i, {tenant}, {place}, {team},
        CASE WHEN {is_open} THEN 'open' ELSE 'closed' END, CASE WHEN {is_open} THEN NULL ELSE 'goals_met' END,
        'accompaniment', {_ts(db, "i * 4")},
        CASE WHEN {is_open} THEN NULL ELSE {_ts(db, "i * 4 + 20000")} END,
        NULL, {names} || (i % 97), 'Amina', {json_empty}, false,
        CASE WHEN {is_open} THEN NULL ELSE {_ts(db, "i * 4 + 1600000")} END
        FROM {n(db, rows)}""")
    db.execute(f"""INSERT INTO process_instances (id, case_id, tenant_id, process_version_id, process_id,
        status, state, lock_version, created_at, updated_at)
        SELECT {base} + i, {base} + i, {tenant}, {pv}, 'case_lifecycle',
        CASE WHEN {is_open} THEN 'running' ELSE 'completed' END, '', 1, {_ts(db, "i * 4")},
        {_ts(db, "i * 4 + 20000")}
        FROM {n(db, rows)}""")
    db.execute(f"""INSERT INTO history (id, instance_id, case_id, tenant_id, task_id, bpmn_id, name, kind,
        state, lane, at)
        SELECT {base} + i, {base} + 1 + i / 3, {base} + 1 + i / 3, {tenant}, 'h-' || i, 'evaluation',
        'Evaluation', 'UserTask', 'completed', 'Case Management', {_ts(db, "i")}
        FROM {n(db, rows * 3 - 3)}""")
    db.execute(f"""INSERT INTO tasks (id, instance_id, case_id, tenant_id, municipality_id, team_id,
        bpmn_id, name, form_key, lane, role, status, created_at, due_at, completed_at)
        SELECT 'plan-' || i, {base} + i, {base} + i, {tenant}, {place}, {team}, 'evaluation', 'Evaluation',
        'evaluation', 'Case Management', 'case_manager',
        CASE WHEN {is_open} THEN 'ready' ELSE 'completed' END,
        {_ts(db, "i * 4")}, {_ts(db, "i * 4 + 80000")},
        CASE WHEN {is_open} THEN NULL ELSE {_ts(db, "i * 4 + 9")} END
        FROM {n(db, rows)}""")
    db.execute(f"""INSERT INTO timers (id, instance_id, tenant_id, task_id, bpmn_id, name, kind,
        scheduled_for, due_at, status, attempts, created_at)
        SELECT {base} + i, {base} + i, {tenant}, 'timer-' || i, 'wait', 'Warten', 'duration',
        {_ts(db, "4000000 + i")}, {_ts(db, "4000000 + i")}, 'waiting', 0, {_ts(db, "i")}
        FROM {n(db, rows // 2)}""")
    db.execute(f"""INSERT INTO followups (id, instance_id, case_id, tenant_id, municipality_id, team_id,
        status, due_date, checkins_done, started_at)
        SELECT {base} + i, {base} + i, {base} + i, {tenant}, {place}, {team},
        CASE WHEN i % 10 = 0 THEN 'waiting' ELSE 'done' END, {_day(db, "i % 1000")}, 0, {_ts(db, "i")}
        FROM {n(db, rows // 5)}""")
    years = (
        "(CASE i % 7 WHEN 0 THEN '2019/20' WHEN 1 THEN '2020/21' WHEN 2 THEN '2021/22' WHEN 3 THEN '2022/23' "
        "WHEN 4 THEN '2023/24' WHEN 5 THEN '2024/25' ELSE '2025/26' END)"
    )
    db.execute(f"""INSERT INTO programme_events (id, tenant_id, kind, code, municipality_id, team_id, case_id,
        occurred_on, school_year, recorded_at)
        SELECT {base} + i, {tenant},
        CASE i % 3 WHEN 0 THEN 'persons_supported' WHEN 1 THEN 'cm_case' ELSE 'closure' END,
        NULL, {place}, {team}, {base} + i, {_day(db, "i % 300")}, {years},
        {_ts(db, "i")} FROM {n(db, rows)}""")
    db.execute(f"""INSERT INTO consents (id, case_id, tenant_id, kind, agency, given_on, recorded_at)
        SELECT {base} + i, {base} + i, {tenant}, 'data_processing', NULL, {_day(db, "i % 300")},
        {_ts(db, "i")} FROM {n(db, rows)}""")
    if db.is_sqlite:
        db.execute("ANALYZE")
    else:
        for table in [*sorted(BIG), "tenants", "municipalities", "teams", "users"]:
            db.execute(f"ANALYZE {table}")
    return {"case_id": base + OTHER_PLACES * 7}  # a Borchen case (i % 400 == 0)


class Capture:
    """Every SELECT the app's engine sends, with its parameters."""

    def __init__(self, engine):
        self.engine, self.statements = engine, []
        event.listen(engine, "before_cursor_execute", self._on)

    def _on(self, conn, cursor, statement, parameters, context, executemany):
        head = statement.lstrip().split(None, 1)[0].upper()
        if head in ("SELECT", "WITH") and not executemany:
            self.statements.append((statement, parameters))

    def take(self) -> list:
        out, self.statements = self.statements, []
        return out

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._on)


def _pg_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _pg_nodes(child)


def explain(engine, statement: str, parameters) -> tuple[list[str], str]:
    """(problems, plan text): Seq Scans (PostgreSQL) or SCANs (SQLite) of big tables."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            lines = [r[-1] for r in rows]
            problems = [ln for ln in lines if ln.startswith("SCAN ") and ln.split()[1] in BIG]
            return problems, "\n".join(lines)
        raw = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
        plan = (raw if isinstance(raw, list) else json.loads(raw))[0]["Plan"]
        problems = [
            f"Seq Scan on {node['Relation Name']}"
            for node in _pg_nodes(plan)
            if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in BIG
        ]
        return problems, json.dumps(plan, indent=1)


def _summary(plan: str) -> str:
    if not plan.startswith("{"):
        return plan
    nodes = _pg_nodes(json.loads(plan))
    return "\n".join(
        f"  {n['Node Type']} {n.get('Relation Name', '')} {n.get('Index Name', '')}".rstrip() for n in nodes
    )


def _tables(statement: str) -> set[str]:
    words = statement.replace(",", " ").replace("(", " ").replace(")", " ").split()
    return {w for w in words if w in BIG}


@pytest.fixture
def filled(db, app, client, login):
    started = time.perf_counter()
    cm = login("cm-borchen")
    case = open_case(client, cm)  # one real case through the API, in Borchen
    filled_at = time.perf_counter()
    ids = fill(db, rows=ROWS)
    ids["real_case_id"] = case["id"]
    print(f"\nsetup {filled_at - started:.1f} s, fill {time.perf_counter() - filled_at:.1f} s ({ROWS} cases)")
    return ids


def test_hot_queries_use_indexes(filled, db, app, client, login):
    from engine.db import make_session_factory
    from engine.timers.jobs import claim
    from engine.timers.policy import TimerPolicy
    from engine.timers.service import next_due

    engine = app.extensions["kim"]["engine"]
    cm, uma, coord = login("cm-borchen"), login("cm-uma"), login("coordinator")
    capture = Capture(engine)
    checked: dict[str, list] = {}

    def call(name, path, headers):
        capture.take()
        r = client.get(path, headers=headers)
        assert r.status_code == 200, (name, r.status_code, r.get_data(as_text=True)[:300])
        checked[name] = capture.take()
        return r

    inbox = call("inbox (municipality)", "/api/v1/tasks", cm)
    assert inbox.json["total"] >= 1
    call("inbox (team)", "/api/v1/tasks", uma)
    for view in ("mine", "unassigned", "overdue", "week"):
        call(f"inbox ({view})", f"/api/v1/tasks?view={view}", cm)
    call("inbox (search, by case)", "/api/v1/tasks?q=PL-1&sort=case", cm)
    call("inbox (process, by task)", "/api/v1/tasks?process=case_lifecycle&sort=task", cm)
    call("inbox (team, one municipality)", "/api/v1/tasks?municipality=delbrueck&view=overdue", uma)
    web_login(client, "cm-borchen")
    call("web inbox (counts, processes)", "/?view=team&q=PL", {})
    found = call("case search", "/api/v1/cases?q=Had", cm)
    assert found.json["total"] > 0
    call("case list", "/api/v1/cases", cm)
    call("case page", f"/api/v1/cases/{filled['case_id']}", cm)
    call("case page (real case)", f"/api/v1/cases/{filled['real_case_id']}", cm)
    call("case history", f"/api/v1/cases/{filled['case_id']}/history", cm)
    call("follow-up overview", "/api/v1/followups", coord)
    call("figures", "/api/v1/reports/figures?school_year=2025/26", coord)
    sessions = make_session_factory(engine)
    capture.take()
    with sessions() as s:
        next_due(s)
    checked["timers next due"] = capture.take()
    with sessions() as s:
        claim(s, owner="plan-test", policy=TimerPolicy())
    checked["timers claim"] = capture.take()
    capture.close()

    failures, seen_tables = [], set()
    for name, statements in checked.items():
        assert statements, f"{name}: no SELECT captured"
        for statement, parameters in statements:
            tables = _tables(statement)
            if not tables:
                continue
            seen_tables |= tables
            problems, plan = explain(engine, statement, parameters)
            print(f"--- {name}: {' '.join(statement.split())[:160]}\n{_summary(plan)}")
            if problems:
                failures.append(f"{name}: {problems}\n{statement}\n{plan}")
    assert not failures, "\n\n".join(failures)
    # The hot tables were really part of what was checked.
    assert {"cases", "tasks", "history", "timers", "followups", "programme_events"} <= seen_tables
