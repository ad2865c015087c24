"""Process insight per version: where instances wait now, how long they spend at each element, which
sequence flows they take and how cases end; pseudonymised and with small counts suppressed.

All from the tables the engine keeps anyway: open tasks and waiting timers (now), the history table
(every finished element with its time; engine/insight/paths.py turns it into flows and durations) and
the cases' closure reasons. Scope: the user's tenant, optionally one municipality, and a period in which
the elements finished. Counts from 1 to ``min_count - 1`` are shown as None, like the figures; a duration
needs at least ``min_count`` visits.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, and_, func, or_, select, union_all
from sqlalchemy.orm import Session

from .. import workflow as wf
from ..access.actor import Actor
from ..cases.models import Case
from ..clock import BERLIN
from ..errors import InvalidInput, NotFound
from ..escalations.models import Topic
from ..instances.models import ProcessInstance
from ..org.models import Municipality
from ..processes.models import ProcessVersion
from ..processes.scope import current_row, visible
from ..tasks.models import READY, TaskRecord
from ..timers.models import WAITING, Timer
from ..vocabulary import label
from .access import require_insight
from .models import InsightStep

MIN_COUNT = 3


def _version(session: Session, process_id: str, version: int | None, tenant_id: int) -> ProcessVersion:
    """A version the tenant sees (the base's or its own; its current one without ``version``)."""
    if version is None:
        row = current_row(session, ProcessVersion, process_id, tenant_id)
    else:
        row = session.scalars(
            select(ProcessVersion).where(
                ProcessVersion.process_id == process_id,
                ProcessVersion.version == version,
                visible(ProcessVersion, tenant_id),
            )
        ).first()
    if row is None:
        raise NotFound("Diesen Prozess oder diese Version gibt es nicht.")
    return row


def versions(session: Session, process_id: str, tenant_id: int) -> list[int]:
    rows = session.scalars(
        select(ProcessVersion.version)
        .where(
            ProcessVersion.process_id == process_id,
            ProcessVersion.status == "deployed",
            visible(ProcessVersion, tenant_id),
        )
        .order_by(ProcessVersion.version)
    )
    return list(rows)


def _municipality(session: Session, user: Actor, key: str | None) -> Municipality | None:
    if not key:
        return None
    place = session.scalars(
        select(Municipality).where(Municipality.tenant_id == user.tenant_id, Municipality.key == key)
    ).first()
    if place is None:
        raise InvalidInput("Unbekannte Kommune.", errors={"municipality": ["Unbekannte Kommune."]})
    return place


def instances_in_scope(user: Actor, version_id: int, place: Municipality | None) -> Select:
    """Ids of the version's instances in the user's tenant (cases' and topics' instances)."""
    pi = ProcessInstance
    of_cases = (
        select(pi.id)
        .join(Case, Case.id == pi.case_id)
        .where(pi.process_version_id == version_id, Case.tenant_id == user.tenant_id)
    )
    of_topics = (
        select(pi.id)
        .join(Topic, Topic.instance_id == pi.id)
        .where(pi.process_version_id == version_id, Topic.tenant_id == user.tenant_id, pi.case_id.is_(None))
    )
    if place is not None:
        of_cases = of_cases.where(Case.municipality_id == place.id)
        of_topics = of_topics.where(Topic.municipality_id == place.id)
    return select(union_all(of_cases, of_topics).subquery().c[0])


def _bounds(date_from: date | None, date_to: date | None) -> tuple[datetime | None, datetime | None]:
    if date_from and date_to and date_from > date_to:
        raise InvalidInput(
            "Der Zeitraum endet vor seinem Beginn.", errors={"to": ["Das Ende liegt vor dem Beginn."]}
        )
    start = datetime.combine(date_from, time.min, BERLIN) if date_from else None
    end = datetime.combine(date_to + timedelta(days=1), time.min, BERLIN) if date_to else None
    return start, end


def _hide(count: int, min_count: int) -> int | None:
    return None if 0 < count < min_count else count


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(q * 100) - 1]


@dataclass
class Figures:
    """Per element: visits and (count, median, 90th percentile) of the seconds spent; per flow: taken."""

    visits: dict[str, int] = field(default_factory=dict)
    flows: dict[str, int] = field(default_factory=dict)
    durations: dict[str, tuple[int, float, float]] = field(default_factory=dict)


def steps_in_scope(user: Actor, version_id: int, place: Municipality | None, start, end) -> list:
    """Conditions on the step projection for the version's instances in scope (as
    ``instances_in_scope``: the tenant's cases, and its topics), finished in the period."""
    s = InsightStep
    topics = select(Topic.instance_id).where(
        Topic.tenant_id == user.tenant_id, Topic.instance_id.is_not(None)
    )
    if place is not None:
        topics = topics.where(Topic.municipality_id == place.id)
    of_cases = s.case_id.is_not(None) if place is None else s.municipality_id == place.id
    cond = [
        s.tenant_id == user.tenant_id,
        s.process_version_id == version_id,
        or_(of_cases, and_(s.case_id.is_(None), s.instance_id.in_(topics))),
    ]
    if start is not None:
        cond.append(s.at >= start)
    if end is not None:
        cond.append(s.at < end)
    return cond


def tally(session: Session, cond: list) -> Figures:
    """Visits, flows taken and time spent per element, counted from the step projection
    (engine/insight/steps.py: the same attribution as engine/insight/paths.py over the history)."""
    s = InsightStep
    out = Figures()
    for bpmn_id, flow_id, n in session.execute(
        select(s.bpmn_id, s.flow_id, func.count()).where(*cond).group_by(s.bpmn_id, s.flow_id)
    ):
        out.visits[bpmn_id] = out.visits.get(bpmn_id, 0) + n
        if flow_id is not None:
            out.flows[flow_id] = out.flows.get(flow_id, 0) + n
    timed = [*cond, s.seconds.is_not(None)]
    if session.get_bind().dialect.name == "postgresql":  # the percentiles in the database
        rows = session.execute(
            select(
                s.bpmn_id,
                func.count(),
                func.percentile_cont(0.5).within_group(s.seconds),
                func.percentile_cont(0.9).within_group(s.seconds),
            )
            .where(*timed)
            .group_by(s.bpmn_id)
        )
        out.durations = {b: (n, float(median), float(p90)) for b, n, median, p90 in rows}
        return out
    seconds: dict[str, list[float]] = {}
    for bpmn_id, value in session.execute(select(s.bpmn_id, s.seconds).where(*timed)):
        seconds.setdefault(bpmn_id, []).append(value)
    out.durations = {b: (len(v), statistics.median(v), _quantile(v, 0.9)) for b, v in seconds.items()}
    return out


def waiting_now(session: Session, user: Actor, version_id: int, place: Municipality | None) -> dict[str, int]:
    """Open user tasks and waiting timers per element, of the version's instances in scope (the tenant's
    cases, optionally of one municipality, and its topics); tasks found by their own tenant column."""
    topics = select(Topic.instance_id).where(
        Topic.tenant_id == user.tenant_id, Topic.instance_id.is_not(None)
    )
    if place is not None:
        topics = topics.where(Topic.municipality_id == place.id)
    t = TaskRecord
    of_cases = t.case_id.is_not(None) if place is None else t.municipality_id == place.id
    tasks = session.execute(
        select(t.bpmn_id, func.count())
        .join(ProcessInstance, ProcessInstance.id == t.instance_id)
        .where(
            t.tenant_id == user.tenant_id,
            t.status == READY,
            ProcessInstance.process_version_id == version_id,
            or_(of_cases, and_(t.case_id.is_(None), t.instance_id.in_(topics))),
        )
        .group_by(t.bpmn_id)
    )
    timers = session.execute(
        select(Timer.bpmn_id, func.count())
        .where(Timer.status == WAITING, Timer.instance_id.in_(instances_in_scope(user, version_id, place)))
        .group_by(Timer.bpmn_id)
    )
    out: dict[str, int] = {}
    for bpmn_id, count in [*tasks, *timers]:
        out[bpmn_id] = out.get(bpmn_id, 0) + count
    return out


def endings(session: Session, scope: Select, start, end, min_count: int) -> list[dict]:
    """How the cases of these instances ended (closure reasons, closed in the period)."""
    query = (
        select(Case.closure_reason, func.count(func.distinct(Case.id)))
        .join(ProcessInstance, ProcessInstance.case_id == Case.id)
        .where(ProcessInstance.id.in_(scope), Case.closure_reason.is_not(None))
        .group_by(Case.closure_reason)
    )
    if start is not None:
        query = query.where(Case.closed_at >= start)
    if end is not None:
        query = query.where(Case.closed_at < end)
    return [
        {"code": code, "label": label("case.closure_reason", code), "count": _hide(count, min_count)}
        for code, count in sorted(session.execute(query), key=lambda r: -r[1])
    ]


def insight(
    session: Session,
    *,
    user: Actor,
    process_id: str,
    version: int | None = None,
    municipality: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    min_count: int = MIN_COUNT,
) -> dict:
    """The heat map's figures for one version of a process (see the module docstring)."""
    require_insight(user)
    row = _version(session, process_id, version, user.tenant_id)
    place = _municipality(session, user, municipality)
    start, end = _bounds(date_from, date_to)
    graph = wf.diagram_graph(row.xml)
    scope = instances_in_scope(user, row.id, place)
    counts = tally(session, steps_in_scope(user, row.id, place, start, end))
    waiting = waiting_now(session, user, row.id, place)
    instances = session.scalar(select(func.count()).select_from(scope.subquery())) or 0
    elements = []
    for element in graph.elements.values():
        n, median, p90 = counts.durations.get(element.bpmn_id, (0, 0.0, 0.0))
        timed = n >= min_count
        elements.append(
            {
                "bpmn_id": element.bpmn_id,
                "name": element.name,
                "kind": element.kind,
                "waiting": _hide(waiting.get(element.bpmn_id, 0), min_count),
                "visits": _hide(counts.visits.get(element.bpmn_id, 0), min_count),
                "median_hours": round(median / 3600, 1) if timed else None,
                "p90_hours": round(p90 / 3600, 1) if timed else None,
            }
        )
    flows = [
        {
            "flow_id": f.flow_id,
            "name": f.name,
            "source": f.source,
            "target": f.target,
            "taken": _hide(counts.flows.get(f.flow_id, 0), min_count),
        }
        for f in graph.flows
    ]
    busiest = max(elements, key=lambda e: e["waiting"] or 0, default=None)
    return {
        "process_id": process_id,
        "name": row.name,
        "version": row.version,
        "versions": versions(session, process_id, user.tenant_id),
        "municipality": place.key if place else None,
        "date_from": date_from.isoformat() if date_from else None,
        "date_to": date_to.isoformat() if date_to else None,
        "min_count": min_count,
        "instances": _hide(instances, min_count),
        "elements": elements,
        "flows": flows,
        "endings": endings(session, scope, start, end, min_count),
        "most_waiting": busiest["bpmn_id"] if busiest and busiest["waiting"] else None,
        "xml": row.xml,
    }
