"""Event logs for process mining: IEEE XES (one trace per process instance) and OCEL 2.0 JSON (events
related to the objects case, referral and topic), for the tools of that field (pm4py, ProM, Disco).

Pseudonymised by construction: a case appears by its pseudonym, a topic and a referral by their number,
a person who did a step by her role, never her name; no form data is read (the history's ``data``
column is not even selected). Gateways are routing, not activities, and are left out. Scope: the user's
tenant (instances of its cases and topics), optionally one process and a period.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import quoteattr

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from .. import workflow as wf
from ..access.actor import Actor
from ..access.models import User
from ..audit.service import Event, record
from ..cases.models import Case
from ..consents.models import Referral
from ..db import begin_write
from ..escalations.models import Topic, TopicCase
from ..instances.models import HistoryEntry, ProcessInstance
from ..processes.models import ProcessVersion
from ..vocabulary import label
from .access import require_insight
from .heatmap import _bounds

SYSTEM = "System"
XES_MEDIA_TYPE = "application/xml"


@dataclass(frozen=True)
class LogEvent:
    event_id: int
    instance_id: int
    process_id: str
    version: int
    activity: str
    bpmn_id: str
    at: datetime
    role: str
    lane: str | None


def _instances(user: Actor, process_id: str | None):
    """(instance id, case id, topic id) of the tenant's instances, optionally of one process."""
    pi = ProcessInstance
    of_cases = (
        select(pi.id.label("instance_id"), pi.case_id.label("case_id"), Topic.id.label("topic_id"))
        .join(Case, Case.id == pi.case_id)
        .outerjoin(Topic, Topic.instance_id == pi.id)
        .where(Case.tenant_id == user.tenant_id)
    )
    of_topics = (
        select(pi.id, pi.case_id, Topic.id)
        .join(Topic, Topic.instance_id == pi.id)
        .where(Topic.tenant_id == user.tenant_id, pi.case_id.is_(None))
    )
    if process_id:
        of_cases = of_cases.where(pi.process_id == process_id)
        of_topics = of_topics.where(pi.process_id == process_id)
    return union_all(of_cases, of_topics).subquery()


def events(
    session: Session, user: Actor, process_id: str | None, start: datetime | None, end: datetime | None
) -> Iterator[LogEvent]:
    """The tenant's finished activities, instance by instance, oldest first."""
    scope = _instances(user, process_id)
    h = HistoryEntry
    query = (
        select(
            h.id,
            h.instance_id,
            h.bpmn_id,
            h.name,
            h.at,
            h.lane,
            User.role,
            ProcessVersion.id.label("version_id"),
            ProcessVersion.process_id,
            ProcessVersion.version,
        )
        .join(ProcessInstance, ProcessInstance.id == h.instance_id)
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
        .outerjoin(User, User.id == h.user_id)
        .where(h.instance_id.in_(select(scope.c.instance_id)), h.bpmn_id.is_not(None), h.state != "cancelled")
        .order_by(h.instance_id, h.at, h.id)
    )
    if start is not None:
        query = query.where(h.at >= start)
    if end is not None:
        query = query.where(h.at < end)
    graphs: dict[int, wf.Graph] = {}  # each version's diagram read once per export
    roles: dict[str | None, str] = {}
    for row in session.execute(query):
        graph = graphs.get(row.version_id)
        if graph is None:
            graph = graphs[row.version_id] = wf.diagram_graph(
                session.get_one(ProcessVersion, row.version_id).xml
            )
        element = graph.elements.get(row.bpmn_id)
        if element is None or element.kind.endswith("Gateway"):
            continue
        yield LogEvent(
            event_id=row.id,
            instance_id=row.instance_id,
            process_id=row.process_id,
            version=row.version,
            activity=row.name or element.name or row.bpmn_id,
            bpmn_id=row.bpmn_id,
            at=row.at,
            role=roles.get(row.role)
            or roles.setdefault(row.role, label("user.role", row.role) if row.role else SYSTEM),
            lane=row.lane,
        )


def _owners(session: Session, user: Actor, process_id: str | None) -> dict[int, tuple[str, list[str]]]:
    """instance id -> (trace name, object ids it belongs to: case, referral, topic)."""
    scope = _instances(user, process_id)
    rows = session.execute(
        select(scope.c.instance_id, Case.pseudonym, scope.c.topic_id, Referral.id)
        .outerjoin(Case, Case.id == scope.c.case_id)
        .outerjoin(Referral, Referral.instance_id == scope.c.instance_id)
    )
    out: dict[int, tuple[str, list[str]]] = {}
    for instance_id, pseudonym, topic_id, referral_id in rows:
        objects = []
        if pseudonym:
            objects.append(f"case:{pseudonym}")
        if referral_id:
            objects.append(f"referral:{referral_id}")
        if topic_id:
            objects.append(f"topic:{topic_id}")
        name = pseudonym or f"Thema {topic_id}"
        out[instance_id] = (f"{name} / {instance_id}", objects)
    return out


def _audit(session: Session, user: Actor, fmt: str, process_id: str | None) -> None:
    begin_write(session)
    record(
        session,
        user,
        Event(
            action="eventlog.export",
            object_type="process",
            object_id=process_id or "*",
            detail={"format": fmt},
        ),
    )


def _object(oid: str) -> dict:
    return {"id": oid, "type": oid.split(":", 1)[0], "attributes": [], "relationships": []}


def _ts(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds")


def xes(
    session: Session,
    *,
    user: Actor,
    process_id: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> str:
    """The event log as IEEE 1849 XES: a trace per instance, named by pseudonym and instance number."""
    require_insight(user)
    start, end = _bounds(date_from, date_to)
    _audit(session, user, "xes", process_id)
    owners = _owners(session, user, process_id)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">',
        '<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>',
        '<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>',
        '<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>',
        '<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>',
        '<global scope="trace"><string key="concept:name" value="__INVALID__"/></global>',
        '<global scope="event"><string key="concept:name" value="__INVALID__"/>'
        '<date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/></global>',
        '<classifier name="Aktivität" keys="concept:name"/>',
        f'<string key="concept:name" value={quoteattr("KIM " + (process_id or "alle Prozesse"))}/>',
    ]
    current = None
    for ev in events(session, user, process_id, start, end):
        if ev.instance_id != current:
            if current is not None:
                out.append("</trace>")
            current = ev.instance_id
            trace = owners.get(ev.instance_id, (str(ev.instance_id), []))[0]
            out.append(f'<trace><string key="concept:name" value={quoteattr(trace)}/>')
            out.append(f'<string key="kim:process" value={quoteattr(ev.process_id)}/>')
            out.append(f'<int key="kim:version" value="{ev.version}"/>')
        out.append(
            "<event>"
            f'<string key="concept:name" value={quoteattr(ev.activity)}/>'
            f'<string key="kim:element" value={quoteattr(ev.bpmn_id)}/>'
            '<string key="lifecycle:transition" value="complete"/>'
            f'<string key="org:role" value={quoteattr(ev.role)}/>'
            f'<string key="org:group" value={quoteattr(ev.lane or SYSTEM)}/>'
            f'<date key="time:timestamp" value="{_ts(ev.at)}"/>'
            "</event>"
        )
    if current is not None:
        out.append("</trace>")
    out.append("</log>")
    return "\n".join(out) + "\n"


def ocel(
    session: Session,
    *,
    user: Actor,
    process_id: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> dict:
    """The event log as OCEL 2.0 (JSON): events related to cases, referrals and topics."""
    require_insight(user)
    start, end = _bounds(date_from, date_to)
    _audit(session, user, "ocel", process_id)
    owners = _owners(session, user, process_id)
    objects: dict[str, dict] = {}
    for _trace, ids in owners.values():
        cases = [o for o in ids if o.startswith("case:")]
        for oid in ids:
            obj = objects.setdefault(oid, _object(oid))
            if obj["type"] != "case":
                known = {r["objectId"] for r in obj["relationships"]}
                obj["relationships"] += [
                    {"objectId": c, "qualifier": "für Fall"} for c in cases if c not in known
                ]
    topic_ids = [int(o.split(":")[1]) for o in objects if o.startswith("topic:")]
    if topic_ids:
        links = select(TopicCase.topic_id, TopicCase.pseudonym).where(TopicCase.topic_id.in_(topic_ids))
        for topic_id, pseudonym in session.execute(links):
            case_oid = f"case:{pseudonym}"
            objects.setdefault(case_oid, _object(case_oid))
            objects[f"topic:{topic_id}"]["relationships"].append(
                {"objectId": case_oid, "qualifier": "aus Fall"}
            )
    event_types: dict[str, dict] = {}
    out_events = []
    for ev in events(session, user, process_id, start, end):
        event_types.setdefault(
            ev.activity,
            {
                "name": ev.activity,
                "attributes": [{"name": "role", "type": "string"}, {"name": "process", "type": "string"}],
            },
        )
        out_events.append(
            {
                "id": f"e{ev.event_id}",
                "type": ev.activity,
                "time": ev.at.isoformat(),
                "attributes": [
                    {"name": "role", "value": ev.role},
                    {"name": "process", "value": ev.process_id},
                ],
                "relationships": [
                    {"objectId": oid, "qualifier": oid.split(":", 1)[0]}
                    for oid in owners.get(ev.instance_id, ("", []))[1]
                ],
            }
        )
    return {
        "objectTypes": [{"name": t, "attributes": []} for t in sorted({o["type"] for o in objects.values()})],
        "eventTypes": list(event_types.values()),
        "objects": list(objects.values()),
        "events": out_events,
    }
