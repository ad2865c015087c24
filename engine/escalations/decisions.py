"""Deciding on a topic: completing its waiting step, with who, what, when and why in the trail."""

from __future__ import annotations

import re

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import workflow as wf
from ..access.actor import Actor
from ..access.service import sees_personal_data
from ..audit.service import Event, case_event, record
from ..cases.models import Case
from ..clock import BERLIN, utcnow
from ..db import begin_write
from ..errors import Conflict, InvalidInput, ProcessFailure
from ..instances.models import ProcessInstance
from ..instances.service import record_step
from ..org.terms import tenant_terms
from ..processes.forms import validate_form_data
from ..processes.models import FormVersion
from ..processes.service import current_form_id, parsed_version
from ..reports.events import add_event, as_date
from ..tasks.models import READY, TaskRecord
from .access import linked_cases, load_topic, may_decide, refuse_client_data
from .models import OPEN, WORKING_GROUP, AgendaItem, Body, Meeting, Topic, TopicEvent
from .steps import ESCALATES_TO, STEPS, TEXT_FIELDS, decision_code

WHY_FIELDS = ("reason", "result", "answer", "note", "summary")


def decide(session: Session, *, user: Actor, topic_id: int, data, reminder_default: str = "P6W") -> Topic:
    """Complete the step the topic waits at (outside a meeting: decision paper, forwarding, answer ...)."""
    begin_write(session)
    topic = load_topic(session, user, topic_id, lock=True)
    event = complete_step(session, user=user, topic=topic, data=data, reminder_default=reminder_default)
    record(
        session,
        user,
        Event("topic.decide", "topic", topic.id, detail={"step": event.step, "decision": event.decision}),
    )
    return topic


def complete_step(
    session: Session,
    *,
    user: Actor,
    topic: Topic,
    data,
    meeting: Meeting | None = None,
    reminder_default: str = "P6W",
) -> TopicEvent:
    """Validate the decision against the step's form, advance the process, write the trail.

    The caller holds the write lock (``decide`` and the minutes do).
    """
    if meeting is not None:
        _waiting(topic)
        step = STEPS[topic.waiting_step or ""]
        may_decide(user, topic, step)
        if step.body is None or topic.waiting_body_id != meeting.body_id:
            raise Conflict(f"Das Thema {topic.number} wartet nicht auf dieses Gremium.", kind="wrong-body")
    row, cases = check_step(session, user=user, topic=topic, data=data)
    instance = session.scalars(
        select(ProcessInstance).where(ProcessInstance.id == topic.instance_id).with_for_update()
    ).one()
    bpmn_id, step = row.bpmn_id, STEPS[row.bpmn_id]
    if sees_personal_data(user):
        # The check compared the linked clients' names and birth dates with the text: recorded per case.
        record(session, user, *(case_event("topic.check", c, detail={"topic_id": topic.id}) for c in cases))
    code = decision_code(bpmn_id, data)
    payload = dict(data)
    if bpmn_id == "forward_to_state":
        # the answer period: the decision's, else the county's (its seed's terms), else the installation's
        county = tenant_terms(session, topic.tenant_id).escalation_reminder
        payload["reminder_after"] = data.get("answer_within") or county or reminder_default
    if bpmn_id == "steering_decision" and code == "working_group":
        topic.working_group_id = _working_group(session, topic, data).id
    body_id = topic.waiting_body_id
    try:
        result = wf.complete(
            parsed_version(session, instance.process_version_id), instance.state, row.id, payload
        )
    except wf.TaskNotReady:
        raise Conflict("Dieser Schritt ist nicht mehr offen.", kind="task-already-done") from None
    except wf.EngineFailure as exc:
        raise ProcessFailure(
            "Der Prozess kann mit diesen Angaben nicht fortgesetzt werden; nichts wurde gespeichert.",
            element_id=exc.element_id,
        ) from None
    now = utcnow()
    today = now.astimezone(BERLIN).date()
    decided_on = as_date(data.get(step.date_field), today)
    _remember(topic, bpmn_id, data, decided_on)
    record_step(session, instance=instance, case=None, result=result, user=user, completed_task=row.id)
    event = TopicEvent(
        topic_id=topic.id,
        at=now,
        user_id=user.id,
        username=user.username,
        role=user.role,
        level=step.level,
        step=bpmn_id,
        decision=code,
        decided_on=decided_on,
        reason=next((data[k] for k in WHY_FIELDS if data.get(k)), None),
        body_id=body_id,
        meeting_id=meeting.id if meeting else None,
        detail=payload,
    )
    session.add(event)
    session.flush()
    target = ESCALATES_TO.get((bpmn_id, code))
    if target:
        add_event(
            session,
            tenant_id=topic.tenant_id,
            kind="topic_escalated",
            code=target,
            occurred_on=decided_on,
            now=now,
            municipality_id=topic.municipality_id,
            team_id=topic.team_id,
            topic_id=topic.id,
        )
    session.execute(
        update(AgendaItem)
        .where(AgendaItem.topic_id == topic.id, AgendaItem.task_id == row.id, AgendaItem.status == OPEN)
        .values(status="decided", event_id=event.id)
        .execution_options(synchronize_session=False)
    )
    return event


def _waiting(topic: Topic) -> None:
    if topic.status != OPEN or not topic.waiting_step or topic.waiting_step not in STEPS:
        raise Conflict("Dieses Thema wartet auf keine Entscheidung (mehr).", kind="topic-not-waiting")


def check_step(session: Session, *, user: Actor, topic: Topic, data) -> tuple[TaskRecord, list[Case]]:
    """Everything ``complete_step`` checks before the process moves: the step is open, the user may
    decide it, the data fits its form and names no linked client. Nothing is written."""
    _waiting(topic)
    may_decide(user, topic, STEPS[topic.waiting_step or ""])
    if not isinstance(data, dict):
        raise InvalidInput("Die Angaben müssen ein Objekt sein.", errors={"data": ["Ungültig."]})
    row = session.get(TaskRecord, topic.waiting_task_id)
    if row is None or row.status != READY:
        raise Conflict("Dieser Schritt ist nicht mehr offen.", kind="task-already-done")
    assert row.form_key is not None  # every escalation step is a user task with a form
    form_id = current_form_id(session, row.form_key, tenant_id=row.tenant_id)
    validate_form_data(
        form_id,
        lambda: session.get_one(FormVersion, form_id).schema,
        data,
        str(session.get_bind().engine.url),
    )
    cases = linked_cases(session, topic.id)
    refuse_client_data(user, cases, {k: data.get(k) for k in TEXT_FIELDS})
    return row, cases


def check_decision(session: Session, *, user: Actor, topic_id: int, data) -> None:
    """Validate a decision without taking it (the web's confirmation step asks first)."""
    check_step(session, user=user, topic=load_topic(session, user, topic_id), data=data)


def _remember(topic: Topic, bpmn_id: str, data: dict, decided_on) -> None:
    if bpmn_id == "forward_to_state":
        topic.recipient_authority = data.get("recipient_authority")
        topic.state_reference = data.get("reference")
        topic.forwarded_on = decided_on
    elif bpmn_id == "state_answer":
        topic.answered_on = decided_on


def _working_group(session: Session, topic: Topic, data: dict) -> Body:
    """The working group a Lenkungsgruppe decision assigns (existing) or sets up (new)."""
    if data.get("working_group_id"):
        body = session.get(Body, data["working_group_id"])
        if body is None or body.tenant_id != topic.tenant_id or body.kind != WORKING_GROUP:
            raise InvalidInput(
                "Unbekannte Arbeitsgruppe.",
                errors={"working_group_id": ["Diese Arbeitsgruppe gibt es nicht."]},
            )
        return body
    name = data["working_group_name"].strip()
    existing = session.scalars(
        select(Body).where(Body.tenant_id == topic.tenant_id, Body.kind == WORKING_GROUP, Body.name == name)
    ).first()
    if existing is not None:
        return existing
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "ag"
    body = Body(
        tenant_id=topic.tenant_id,
        key=f"ag-{slug}-{topic.id}",
        kind=WORKING_GROUP,
        name=name,
        field=data.get("working_group_field"),
        description=data.get("mandate"),
        active=True,
        created_at=utcnow(),
    )
    session.add(body)
    session.flush()
    return body
