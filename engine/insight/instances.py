"""From the heat map to a single case: which instances wait at an element now, one instance on its
diagram, and a case found by its pseudonym or case number (process owners and coordinators).

Pseudonymised like the rest of the insight: cases appear by pseudonym (and case number), topics by
their number, people who did a step by their role. A process owner may see any case and topic of the
tenant; a coordinator every case of the tenant (her ordinary scope); everyone else gets a 404 as for a
missing id. Every list and diagram shown is recorded in the audit trail.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .. import workflow as wf
from ..access.actor import Actor
from ..audit.service import Event, case_event, record
from ..cases.models import Case
from ..db import begin_write
from ..errors import InvalidInput, NotFound
from ..escalations.models import Topic
from ..instances.models import ProcessInstance
from ..org.models import Municipality
from ..tasks.models import READY, TaskRecord
from ..timers.models import WAITING, Timer
from .access import MISSING, diagram_case, require_insight, shows_names
from .case_diagram import instance_view
from .heatmap import _municipality, _version, instances_in_scope

LIMIT = 200  # instances listed at one element (the heat map shows how many there are)


def waiting_at(
    session: Session,
    *,
    user: Actor,
    process_id: str,
    bpmn_id: str,
    version: int | None = None,
    municipality: str | None = None,
) -> dict:
    """The instances of a version waiting at one element now (open task or waiting timer), longest
    waiting first, with the case's pseudonym or the topic's number and the municipality."""
    require_insight(user)
    row = _version(session, process_id, version, user.tenant_id)
    place = _municipality(session, user, municipality)
    element = wf.diagram_graph(row.xml).elements.get(bpmn_id)
    if element is None:
        raise NotFound("Diesen Schritt gibt es in dieser Version nicht.")
    scope = instances_in_scope(user, row.id, place)
    tasks = select(
        TaskRecord.instance_id.label("instance_id"), TaskRecord.created_at.label("since"), TaskRecord.name
    ).where(TaskRecord.status == READY, TaskRecord.bpmn_id == bpmn_id, TaskRecord.instance_id.in_(scope))
    timers = select(Timer.instance_id, Timer.created_at, Timer.name).where(
        Timer.status == WAITING, Timer.bpmn_id == bpmn_id, Timer.instance_id.in_(scope)
    )
    waiting = tasks.union_all(timers).subquery()
    total = session.scalar(select(func.count()).select_from(waiting)) or 0
    rows = session.execute(
        select(
            waiting.c.instance_id,
            waiting.c.since,
            waiting.c.name,
            Case.id.label("case_id"),
            Case.pseudonym,
            Case.case_number,
            Topic.id.label("topic_id"),
            Topic.number.label("topic_number"),
            Municipality.name.label("place"),
        )
        .join(ProcessInstance, ProcessInstance.id == waiting.c.instance_id)
        .outerjoin(Case, Case.id == ProcessInstance.case_id)
        .outerjoin(Topic, Topic.instance_id == ProcessInstance.id)
        .outerjoin(
            Municipality, Municipality.id == func.coalesce(Case.municipality_id, Topic.municipality_id)
        )
        .order_by(waiting.c.since, waiting.c.instance_id)
        .limit(LIMIT)
    ).all()
    begin_write(session)
    record(
        session,
        user,
        Event(
            action="insight.waiting",
            object_type="process",
            object_id=process_id,
            detail={"version": row.version, "element": bpmn_id, "listed": len(rows)},
        ),
    )
    return {
        "process_id": process_id,
        "name": row.name,
        "version": row.version,
        "bpmn_id": bpmn_id,
        "step": element.name or bpmn_id,
        "municipality": place.key if place else None,
        "total": total,
        "instances": [
            {
                "instance_id": r.instance_id,
                "step": r.name,
                "since": r.since,
                "case_id": r.case_id,
                "pseudonym": r.pseudonym,
                "case_number": r.case_number,
                "topic_id": r.topic_id,
                "topic_number": r.topic_number,
                "municipality": r.place,
            }
            for r in rows
        ],
    }


def _topic_of(session: Session, user: Actor, instance_id: int) -> Topic:
    topic = session.scalars(
        select(Topic).where(Topic.instance_id == instance_id, Topic.tenant_id == user.tenant_id)
    ).first()
    if topic is None:
        raise NotFound(MISSING)
    return topic


def instance_diagram(session: Session, *, user: Actor, instance_id: int) -> dict:
    """One instance on its diagram (a case's lifecycle, UmA follow-up or referral, or a topic's
    escalation) with the case's pseudonym or the topic's number; 404 as for a missing id when the
    user may not see it (test runs without case or topic included)."""
    require_insight(user)
    begin_write(session)
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(MISSING)
    if instance.case_id is not None:
        case = diagram_case(session, user, instance.case_id)
        names = shows_names(user)
        record(session, user, case_event("case.diagram", case, detail={"instance": instance.id}))
        owner = {"case_id": case.id, "pseudonym": case.pseudonym, "case_number": case.case_number}
    else:
        topic = _topic_of(session, user, instance.id)
        names = False
        record(session, user, Event(action="topic.diagram", object_type="topic", object_id=topic.id))
        owner = {"topic_id": topic.id, "topic_number": topic.number}
    return {**owner, "instances": [instance_view(session, instance, names)]}


def find_case(session: Session, *, user: Actor, query: str) -> int:
    """The id of the case with this pseudonym or case number that the user may see (exact match,
    case-insensitive); a 404 as for a missing id otherwise."""
    require_insight(user)
    wanted = (query or "").strip()
    if not wanted:
        raise InvalidInput(
            "Bitte ein Pseudonym oder ein Aktenzeichen angeben.",
            errors={"q": ["Bitte ein Pseudonym oder ein Aktenzeichen angeben."]},
        )
    case_id = session.scalar(
        select(Case.id).where(
            Case.tenant_id == user.tenant_id,
            or_(func.upper(Case.pseudonym) == wanted.upper(), func.upper(Case.case_number) == wanted.upper()),
        )
    )
    if case_id is None:
        raise NotFound(MISSING)
    return diagram_case(session, user, case_id).id


def case_for_insight(session: Session, *, user: Actor, case_id: int) -> dict:
    """The heading of a case's diagram page: pseudonym and case number (the diagrams themselves come
    from ``case_diagram.case_diagrams``, which records the reading)."""
    require_insight(user)
    case = diagram_case(session, user, case_id)
    return {"case_id": case.id, "pseudonym": case.pseudonym, "case_number": case.case_number}
