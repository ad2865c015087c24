"""Keeping a topic's row in step with its escalation instance (hook after each step, engine/hooks.py).

Where the topic waits (step, level, body, due time, reminder due time) is written here for
every step, including steps a timer drives (the reminder when the state does not answer).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import BERLIN
from ..reports.events import add_event, as_date
from .models import CLOSED, DONE, LOCAL, STEERING, WORKING_GROUP, Body, Topic, TopicEvent
from .steps import ENDS, REMINDER_EVENT, STEPS


def body_for(session: Session, topic: Topic, kind: str | None) -> int | None:
    """The body whose agenda a topic waiting at a step of this kind belongs on."""
    if kind == WORKING_GROUP:
        return topic.working_group_id
    cond = [Body.tenant_id == topic.tenant_id, Body.kind == kind, Body.active.is_(True)]
    if kind == LOCAL:
        cond.append(Body.municipality_id == topic.municipality_id)
    elif kind != STEERING:
        return None
    return session.scalar(select(Body.id).where(*cond).order_by(Body.id).limit(1))


def apply(session: Session, topic: Topic, result, now: datetime) -> None:
    """Project one step's result onto the topic (and the trail for timer-driven steps)."""
    today = now.astimezone(BERLIN).date()
    for item in result.finished:
        if item.bpmn_id == REMINDER_EVENT and item.state == "COMPLETED":
            topic.reminders = (topic.reminders or 0) + 1
            session.add(
                TopicEvent(
                    topic_id=topic.id,
                    at=now,
                    level="state",
                    step=REMINDER_EVENT,
                    decision="reminder_due",
                    decided_on=today,
                    reason="Keine Antwort der Landesbehörde innerhalb der Frist.",
                    detail={"reminder": topic.reminders},
                )
            )
    if result.completed:
        end = next((f.bpmn_id for f in result.finished if f.bpmn_id in ENDS), None)
        outcome, level = ENDS.get(end or "") or (None, None)
        last = next((f for f in reversed(result.finished) if f.data is not None and f.bpmn_id in STEPS), None)
        decided = as_date(last.data.get(STEPS[last.bpmn_id].date_field), today) if last else today
        topic.status, topic.level, topic.outcome, topic.closed_at = DONE, CLOSED, outcome, now
        topic.waiting_step = topic.waiting_task_id = topic.waiting_body_id = None
        topic.due_at = topic.reminder_due_at = None
        add_event(
            session,
            tenant_id=topic.tenant_id,
            kind="topic_resolved",
            code=level,
            occurred_on=decided,
            now=now,
            municipality_id=topic.municipality_id,
            team_id=topic.team_id,
            topic_id=topic.id,
        )
        return
    task = next((t for t in result.ready if t.bpmn_id in STEPS), None)
    if task is None:
        return
    step = STEPS[task.bpmn_id]
    topic.waiting_step, topic.waiting_task_id, topic.due_at = task.bpmn_id, task.task_id, task.due_at
    topic.level = step.level
    topic.waiting_body_id = body_for(session, topic, step.body)
    topic.reminder_due_at = min((t.due_at for t in result.timers), default=None)


def project(session: Session, instance, case, result, now: datetime) -> None:
    """The after-step hook: find the instance's topic and apply the step."""
    topic = session.scalars(select(Topic).where(Topic.instance_id == instance.id)).first()
    if topic is not None:  # a new topic applies its first step itself (instance_id not set yet)
        apply(session, topic, result, now)
