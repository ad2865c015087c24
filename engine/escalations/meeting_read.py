"""Read models of the meeting pages: meetings per body (upcoming and past), one meeting with its agenda,
attendance and the decision taken on each item, and the forms its minutes are recorded with.

Like read.py: the readers' access applied, codes labelled from engine/vocabulary.py, no client data.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import vocabulary
from ..access.actor import Actor
from ..access.read import display_names
from ..clock import today_berlin
from ..vocabulary import label
from . import bodies, meetings, read
from .access import can_read
from .models import STEERING, AgendaItem, Body, Meeting, Topic, TopicEvent
from .step_forms import form_of
from .steps import STEPS

PAST_LIMIT = 100


def _row(meeting: Meeting, body: Body, count: int) -> dict:
    return {
        "id": meeting.id,
        "body": body.name,
        "body_id": body.id,
        "body_kind_label": label("body.kind", body.kind),
        "meets_on": meeting.meets_on,
        "location": meeting.location,
        "status": meeting.status,
        "status_label": label("meeting.status", meeting.status),
        "items": count,
        "minutes_pending": meeting.status == meetings.PLANNED and meeting.meets_on <= today_berlin(),
    }


def meetings_page(session: Session, *, user: Actor, body_id: int | None = None) -> dict:
    """Planned meetings (soonest first) and held ones (latest first), of one body or all."""
    can_read(user)
    vocabulary.refresh(session)
    all_bodies = bodies.list_bodies(session, user=user)
    cond = [Meeting.tenant_id == user.tenant_id]
    if body_id is not None:
        cond.append(Meeting.body_id == body_id)
    counts = select(AgendaItem.meeting_id, func.count().label("n")).group_by(AgendaItem.meeting_id).subquery()
    query = (
        select(Meeting, Body, func.coalesce(counts.c.n, 0))
        .join(Body, Body.id == Meeting.body_id)
        .outerjoin(counts, counts.c.meeting_id == Meeting.id)
        .where(*cond)
    )
    planned = session.execute(
        query.where(Meeting.status == meetings.PLANNED).order_by(Meeting.meets_on, Meeting.id)
    ).all()
    held = session.execute(
        query.where(Meeting.status == meetings.HELD)
        .order_by(Meeting.meets_on.desc(), Meeting.id.desc())
        .limit(PAST_LIMIT)
    ).all()
    return {
        "bodies": [
            {"id": b.id, "name": b.name, "kind_label": label("body.kind", b.kind)} for b in all_bodies
        ],
        "body_id": body_id,
        "upcoming": [_row(m, b, n) for m, b, n in planned],
        "past": [_row(m, b, n) for m, b, n in held],
        "may_plan": user.role == "coordinator",
    }


def may_record(user: Actor, body: Body) -> bool:
    """Whether the user records minutes of this body's meetings (meetings.record_minutes' rule)."""
    return user.role == "coordinator" or (user.role == "steering" and body.kind == STEERING)


def _decisions(session: Session, meeting: Meeting) -> dict[int, dict]:
    """Per topic: what the meeting decided on it (or why it was deferred)."""
    out = {}
    for e in session.scalars(
        select(TopicEvent)
        .where(TopicEvent.meeting_id == meeting.id, TopicEvent.decision != "on_agenda")
        .order_by(TopicEvent.id)
    ):
        detail = e.detail or {}
        out[e.topic_id] = {
            "decision": e.decision,
            "decision_label": label("topic.decision", e.decision),
            "reason": e.reason,
            "solution": detail.get("solution"),
            "mandate": detail.get("mandate"),
            "working_group": detail.get("working_group_name"),
            "note": detail.get("note") if e.reason != detail.get("note") else None,
        }
    return out


def meeting_page(session: Session, *, user: Actor, meeting_id: int) -> dict:
    """One meeting: agenda, attendance, the decision on each item, who may do what."""
    meeting = meetings.get_meeting(session, user=user, meeting_id=meeting_id)
    body = session.get_one(Body, meeting.body_id)
    out = read.meeting_view(session, meeting, user, body)
    decided = _decisions(session, meeting)
    for item in out["agenda"]:
        item["outcome"] = decided.get(item["topic_id"])
    planned = meeting.status == meetings.PLANNED
    out.update(
        {
            "attendance": meeting.attendance,
            "members": read.body_view(session, body)["members"],
            "minutes_by": display_names(session, {meeting.minutes_by_id}).get(meeting.minutes_by_id)
            if meeting.minutes_by_id
            else None,
            "may_plan": user.role == "coordinator" and planned,
            "may_record": may_record(user, body) and planned and meeting.meets_on <= today_berlin(),
            "minutes_later": may_record(user, body) and planned and meeting.meets_on > today_berlin(),
        }
    )
    return out


def minutes_form(session: Session, *, user: Actor, meeting_id: int) -> dict:
    """The minutes to fill in: each agenda item (or waiting topic) with its step's form, and the seats."""
    meeting = meetings.get_meeting(session, user=user, meeting_id=meeting_id)
    body = session.get_one(Body, meeting.body_id)
    view = read.meeting_view(session, meeting, user, body)
    topics = {
        t.id: t
        for t in session.scalars(select(Topic).where(Topic.id.in_([i["topic_id"] for i in view["agenda"]])))
    }
    items = []
    for item in view["agenda"]:
        topic = topics[item["topic_id"]]
        open_here = topic.waiting_body_id == body.id and item["status"] in ("open", "waiting")
        schema = form_of(session, topic) if open_here else None
        step = STEPS.get(topic.waiting_step or "")
        items.append({**item, "schema": schema, "date_field": step.date_field if step else ""})
    return {
        **view,
        "items": items,
        "members": [
            {"id": m.id, "function": m.function, "organisation": m.organisation}
            for m in bodies.members(session, body.id)
        ],
        "may_record": may_record(user, body) and view["status"] == meetings.PLANNED,
    }
