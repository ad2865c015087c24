"""The heat map's step projection equals what the history says: the rows kept with each step, the rows
the backfill of migration 0030 writes, and the heat map's figures with a municipality and a period,
all compared with a walk over the history table itself on a known data set."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from datetime import timedelta

from sqlalchemy import delete, select, update

from engine.cases.models import Case
from engine.clock import today_berlin
from engine.insight.models import InsightStep
from engine.insight.paths import attribute
from engine.insight.steps import backfill
from engine.instances.models import HistoryEntry, ProcessInstance
from engine.org.models import Municipality
from engine.processes.models import ProcessVersion
from engine.workflow import diagram_graph
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case, run_to_evaluation

API = "/api/v1"


def _data_set(client, login) -> None:
    """Borchen: four cases at evaluation #2, three at the consent; Delbrück: three at evaluation #1."""
    borchen, delbrueck = login("cm-borchen"), login("cm-delbrueck")
    for _ in range(4):
        case = open_case(client, borchen)
        run_to_evaluation(client, borchen, case["id"])
        complete(client, borchen, case["id"], "evaluation", d.evaluation(True, 15))
    for _ in range(3):
        case = open_case(client, borchen)
        complete(client, borchen, case["id"], "first_contact", d.FIRST_CONTACT)
    for _ in range(3):
        case = open_case(client, delbrueck, municipality="Delbrück")
        run_to_evaluation(client, delbrueck, case["id"])


def _from_history(session) -> set[tuple]:
    """(instance, element, flow, seconds, at) of every element row, walked straight from the history."""
    xml = dict(session.execute(select(ProcessVersion.id, ProcessVersion.xml)).all())
    version = dict(session.execute(select(ProcessInstance.id, ProcessInstance.process_version_id)).all())
    by_instance: dict[int, list] = {}
    for instance_id, bpmn_id, at in session.execute(
        select(HistoryEntry.instance_id, HistoryEntry.bpmn_id, HistoryEntry.at)
        .where(HistoryEntry.bpmn_id.is_not(None))
        .order_by(HistoryEntry.instance_id, HistoryEntry.at, HistoryEntry.id)
    ):
        by_instance.setdefault(instance_id, []).append((bpmn_id, at))
    return {
        (iid, b, flow, seconds, at)
        for iid, rows in by_instance.items()
        for b, at, flow, seconds in attribute(diagram_graph(xml[version[iid]]), rows)
    }


def _projected(session) -> set[tuple]:
    return {
        tuple(r)
        for r in session.execute(
            select(
                InsightStep.instance_id,
                InsightStep.bpmn_id,
                InsightStep.flow_id,
                InsightStep.seconds,
                InsightStep.at,
            )
        )
    }


def test_the_projection_kept_with_each_step_and_the_backfill_equal_the_history(app, client, login):
    _data_set(client, login)
    with app.extensions["kim"]["sessions"]() as s:
        expected = _from_history(s)
        assert len(expected) > 50
        assert _projected(s) == expected
        # Migration 0030's backfill writes the same rows from the history alone.
        s.execute(delete(InsightStep))
        written = backfill(s.connection())
        assert written == len(expected)
        assert _projected(s) == expected
        s.rollback()


def test_heat_map_figures_per_municipality_and_period_equal_the_history(app, client, login):
    _data_set(client, login)
    owner = login("process-owner")
    today = today_berlin()
    yesterday = (today - timedelta(days=1)).isoformat()
    with app.extensions["kim"]["sessions"]() as s:
        version = s.scalars(
            select(ProcessVersion).where(
                ProcessVersion.process_id == "case_lifecycle", ProcessVersion.is_current.is_(True)
            )
        ).one()
        graph = diagram_graph(version.xml)
        rows = s.execute(
            select(HistoryEntry.instance_id, HistoryEntry.bpmn_id, HistoryEntry.at, ProcessInstance.case_id)
            .join(ProcessInstance, ProcessInstance.id == HistoryEntry.instance_id)
            .where(ProcessInstance.process_version_id == version.id, HistoryEntry.bpmn_id.is_not(None))
            .order_by(HistoryEntry.instance_id, HistoryEntry.at, HistoryEntry.id)
        ).all()
        borchen_cases = set(
            s.scalars(
                select(Case.id)
                .join(Municipality, Municipality.id == Case.municipality_id)
                .where(Municipality.key == "borchen")
            )
        )
    by_instance: dict[int, list] = {}
    for instance_id, bpmn_id, at, case_id in rows:
        if case_id in borchen_cases:
            by_instance.setdefault(instance_id, []).append((bpmn_id, at))
    visits: Counter = Counter()
    flows: Counter = Counter()
    seconds: dict[str, list[float]] = {}
    for steps in by_instance.values():
        for b, _at, flow, secs in attribute(graph, steps):
            visits[b] += 1
            if flow:
                flows[flow] += 1
                seconds.setdefault(b, []).append(secs)
    assert visits["first_contact"] == 7  # Borchen's seven cases, not Delbrück's three
    query = {"municipality": "borchen", "from": yesterday, "to": today.isoformat()}
    got = client.get(f"{API}/processes/case_lifecycle/insight", query_string=query, headers=owner)
    assert got.status_code == 200, got.json
    figures = {e["bpmn_id"]: e for e in got.json["elements"]}
    for b, n in visits.items():
        assert figures[b]["visits"] == (None if 0 < n < 3 else n), b
    taken = {f["flow_id"]: f["taken"] for f in got.json["flows"]}
    for f, n in flows.items():
        assert taken[f] == (None if 0 < n < 3 else n), f
    for b, values in seconds.items():
        if len(values) >= 3:
            assert figures[b]["median_hours"] == round(statistics.median(values) / 3600, 1), b
            p90 = statistics.quantiles(sorted(values), n=100, method="inclusive")[89]
            assert figures[b]["p90_hours"] == round(p90 / 3600, 1), b
    # A period before anything happened: nothing finished in it.
    old = {"from": "2020-01-01", "to": "2020-12-31"}
    empty = client.get(f"{API}/processes/case_lifecycle/insight", query_string=old, headers=owner).json
    assert all(not e["visits"] for e in empty["elements"])


def test_instances_from_before_insight_seen_read_their_rows_once_and_go_on_equal(app, client, login):
    """Migration 0032 leaves ``insight_seen`` empty: the next step reads the instance's rows once,
    stores what it saw, and the projection still equals the history walk."""
    borchen = login("cm-borchen")
    cases = [open_case(client, borchen) for _ in range(2)]
    for case in cases:
        run_to_evaluation(client, borchen, case["id"])
    sessions = app.extensions["kim"]["sessions"]
    with sessions() as s:
        assert s.scalar(select(ProcessInstance.insight_seen).where(ProcessInstance.case_id == cases[0]["id"]))
        s.execute(update(ProcessInstance).values(insight_seen=None))
        s.commit()
    for case in cases:
        complete(client, borchen, case["id"], "evaluation", d.evaluation(True, 15))
        complete(client, borchen, case["id"], "evaluation", d.evaluation(True, 16))
    with sessions() as s:
        assert _projected(s) == _from_history(s)
        instance_id, seen = s.execute(
            select(ProcessInstance.id, ProcessInstance.insight_seen).where(
                ProcessInstance.case_id == cases[0]["id"]
            )
        ).one()
        history = s.scalars(
            select(HistoryEntry.bpmn_id)
            .where(HistoryEntry.instance_id == instance_id, HistoryEntry.bpmn_id.is_not(None))
            .order_by(HistoryEntry.at, HistoryEntry.id)
        ).all()
        latest_last = list(dict.fromkeys(reversed(history)))[::-1]  # each once, in order of its latest row
        assert [bpmn_id for bpmn_id, _at in json.loads(seen)] == latest_last
