"""The heat map's step projection (``insight_steps``), kept with the history.

``engine.instances.service.record_step`` calls ``project`` in the step's transaction right after it
appends the finished elements to the history: each element of the version's diagram becomes one row
with the sequence flow that led to it and the time spent there, found exactly as
engine/insight/paths.py finds them from the history (the latest earlier element of the instance with
a flow into it). The heat map then counts and sorts these rows instead of walking every history row
of a county (engine/insight/heatmap.py). ``rebuild`` recomputes one instance from its history (after
it moved to another version); ``backfill`` fills the table for an existing database (migration 0030).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, func, select
from sqlalchemy.orm import Session

from .. import workflow as wf
from ..access.models import User
from ..cases.models import Case
from ..escalations.models import Topic
from ..instances.models import HistoryEntry, ProcessInstance
from ..processes.models import ProcessVersion
from ..processes.service import parsed_version
from ..writes import kept
from .models import InsightStep
from .paths import attribute

BATCH = 20000
TABLE = cast(Table, InsightStep.__table__)  # planned rows go out with the step's other writes
INSERT = kept(TABLE.insert())


def _rows(
    instance: ProcessInstance, tenant_id: int, case: Case | None, attributed: Iterable[tuple]
) -> list[dict]:
    return [
        {
            "tenant_id": tenant_id,
            "process_version_id": instance.process_version_id,
            "instance_id": instance.id,
            "case_id": case.id if case else None,
            "municipality_id": case.municipality_id if case else None,
            "bpmn_id": bpmn_id,
            "flow_id": flow_id,
            "seconds": seconds,
            "at": at,
        }
        for bpmn_id, at, flow_id, seconds in attributed
    ]


def _graph(session: Session, instance: ProcessInstance) -> wf.Graph:
    graph = parsed_version(session, instance.process_version_id).graph
    assert graph is not None  # the spec cache builds every version's graph with its specs
    return graph


@dataclass
class Planned:
    """A step's rows for the projection and the instance's new ``insight_seen`` (None: unchanged)."""

    rows: list[dict]
    seen: str | None


def plan(
    session: Session,
    *,
    instance: ProcessInstance,
    tenant_id: int,
    case: Case | None,
    finished: Iterable[tuple[str | None, datetime]],
) -> Planned:
    """The projection rows of the step's finished elements (bpmn id, finished at; in history order).

    What came before is the instance's ``insight_seen``: each element it finished, once, at its latest
    time, in the order of those times. That is all ``attribute`` looks at (the latest earlier element
    with a flow into the new one), so a step costs the same however old the case; an instance
    without it (written before migration 0032, or moved to another version) reads its rows once."""
    graph = _graph(session, instance)
    new = [(bpmn_id, at) for bpmn_id, at in finished if bpmn_id and bpmn_id in graph.elements]
    if not new:
        return Planned([], None)
    seen = _seen(session, instance)
    rows = _rows(instance, tenant_id, case, attribute(graph, new, seen))
    return Planned(rows, _compact(seen))


def _seen(session: Session, instance: ProcessInstance) -> list[tuple[str, datetime]]:
    if instance.insight_seen is not None:
        return [(b, datetime.fromisoformat(at)) for b, at in json.loads(instance.insight_seen)]
    if instance.state == "":  # created in this step (engine/instances/service.py create_instance)
        return []
    return [
        (b, at)
        for b, at in session.execute(
            select(InsightStep.bpmn_id, InsightStep.at)
            .where(InsightStep.instance_id == instance.id)
            .order_by(InsightStep.at, InsightStep.id)
        )
    ]


def _compact(seen: list[tuple[str, datetime]]) -> str:
    latest: dict[str, datetime] = {}
    for bpmn_id, at in seen:
        latest.pop(bpmn_id, None)
        latest[bpmn_id] = at
    return json.dumps([[b, at.isoformat()] for b, at in latest.items()], separators=(",", ":"))


def rebuild(session: Session, *, instance: ProcessInstance, tenant_id: int, case: Case | None) -> None:
    """Recompute the instance's rows (and ``insight_seen``) from its history on the version it runs on
    now."""
    session.execute(
        delete(InsightStep)
        .where(InsightStep.instance_id == instance.id)
        .execution_options(synchronize_session=False)
    )
    history = session.execute(
        select(HistoryEntry.bpmn_id, HistoryEntry.at)
        .where(HistoryEntry.instance_id == instance.id, HistoryEntry.bpmn_id.is_not(None))
        .order_by(HistoryEntry.at, HistoryEntry.id)
    ).all()
    seen: list[tuple[str, datetime]] = []
    rows = _rows(
        instance,
        tenant_id,
        case,
        attribute(_graph(session, instance), [(b, a) for b, a in history], seen),
    )
    instance.insight_seen = _compact(seen)
    if rows:
        session.execute(cast(Table, InsightStep.__table__).insert(), rows)


def _history_in_order():
    """Every history row of an element, instance by instance, with what the projection row needs."""
    h, i = HistoryEntry, ProcessInstance
    return (
        select(
            h.instance_id,
            h.bpmn_id,
            h.at,
            i.process_version_id,
            i.case_id,
            Case.municipality_id,
            func.coalesce(Case.tenant_id, Topic.tenant_id, User.tenant_id).label("tenant_id"),
        )
        .join(i, i.id == h.instance_id)
        .outerjoin(Case, Case.id == i.case_id)
        .outerjoin(Topic, Topic.instance_id == i.id)
        .outerjoin(User, User.id == i.started_by_id)
        .where(h.bpmn_id.is_not(None))
        .order_by(h.instance_id, h.at, h.id)
    )


def backfill(connection: Connection) -> int:
    """Fill ``insight_steps`` from the whole history (an empty table; migration 0030); returns the rows
    written. Streams the history instance by instance; instances without a tenant are left out."""
    table = cast(Table, InsightStep.__table__)
    graphs = {
        vid: wf.diagram_graph(xml)
        for vid, xml in connection.execute(select(ProcessVersion.id, ProcessVersion.xml))
    }
    source = connection.execute(
        _history_in_order(), execution_options={"stream_results": True, "yield_per": BATCH}
    )
    written = 0
    batch: list[dict] = []
    group: list = []

    def flush() -> None:
        head = group[0] if group else None
        if head is None or head.tenant_id is None or head.process_version_id not in graphs:
            return
        steps = attribute(graphs[head.process_version_id], [(r.bpmn_id, r.at) for r in group])
        for bpmn_id, at, flow_id, seconds in steps:
            batch.append(
                {
                    "tenant_id": head.tenant_id,
                    "process_version_id": head.process_version_id,
                    "instance_id": head.instance_id,
                    "case_id": head.case_id,
                    "municipality_id": head.municipality_id,
                    "bpmn_id": bpmn_id,
                    "flow_id": flow_id,
                    "seconds": seconds,
                    "at": at,
                }
            )

    def write() -> int:
        if connection.dialect.name == "postgresql":  # COPY: millions of rows in minutes, not an hour
            columns = list(batch[0])
            raw = cast(Any, connection.connection.driver_connection)
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY insight_steps ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                for item in batch:
                    copy.write_row([item[c] for c in columns])
        else:
            connection.execute(table.insert(), batch)
        return len(batch)

    for row in source:
        if group and row.instance_id != group[0].instance_id:
            flush()
            group = []
            if len(batch) >= BATCH:
                written += write()
                batch = []
        group.append(row)
    flush()
    if batch:
        written += write()
    return written
