"""Read models of the escalation path: topics, bodies and meetings as ready-to-show dicts.

Each function applies the reader's access (the services' checks), labels every code from
engine/vocabulary.py, and refers to cases by pseudonym only, listing just the cases the reader may
see. Topics hold no client data, so reading them writes no audit record (as before).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import vocabulary
from ..access.actor import Actor
from ..access.service import in_scope
from ..cases.models import Case
from ..clock import BERLIN, utcnow
from ..org.models import Municipality
from ..vocabulary import label
from . import bodies, meetings, service
from .models import Body, Meeting, Topic, TopicCase
from .steps import STEPS


class Names:
    """Municipality and body names of a county, looked up once per read."""

    def __init__(self, session: Session, tenant_id: int):
        self.places: dict[int | None, str] = dict(
            session.execute(
                select(Municipality.id, Municipality.name).where(Municipality.tenant_id == tenant_id)
            )
            .tuples()
            .all()
        )
        self.bodies: dict[int | None, str] = dict(
            session.execute(select(Body.id, Body.name).where(Body.tenant_id == tenant_id)).tuples().all()
        )


def step_name(step: str | None) -> str:
    """The German name of an escalation step (empty for none)."""
    return label("topic.step", step)


def _cases(session: Session, topic_ids: list[int], user: Actor) -> dict[int, tuple[list[dict], int]]:
    """Per topic: the linked cases the reader may see (by pseudonym), and how many are linked."""
    out: dict[int, tuple[list[dict], int]] = {i: ([], 0) for i in topic_ids}
    if not topic_ids:
        return out
    rows = session.execute(
        select(
            TopicCase.topic_id,
            Case.id,
            TopicCase.pseudonym,
            Case.municipality_id,
            Case.team_id,
            Case.tenant_id,
        )
        .join(Case, Case.id == TopicCase.case_id)
        .where(TopicCase.topic_id.in_(topic_ids))
        .order_by(TopicCase.id)
    ).all()
    for topic_id, case_id, pseudonym, place, team, tenant in rows:
        visible, total = out[topic_id]
        if in_scope(user, place, team, tenant):
            visible.append({"case_id": case_id, "pseudonym": pseudonym})
        out[topic_id] = (visible, total + 1)
    return out


def topic_summaries(
    session: Session, topics: list[Topic], user: Actor, names: Names | None = None
) -> list[dict]:
    """Topics as lists show them: labels, where they wait, age, overdue, visible cases."""
    vocabulary.refresh(session)
    names, now = names or Names(session, user.tenant_id), utcnow()
    linked = _cases(session, [t.id for t in topics], user)
    today = now.astimezone(BERLIN).date()
    out = []
    for t in topics:
        overdue = (
            t.status == "open" and any(d is not None and d < now for d in (t.due_at, t.reminder_due_at))
        ) or t.waiting_step == "state_reminder"
        out.append(
            {
                "id": t.id,
                "number": t.number,
                "title": t.title,
                "category": t.category,
                "category_label": label("topic.category", t.category),
                "municipality": names.places.get(t.municipality_id, ""),
                "level": t.level,
                "level_label": label("topic.level", t.level),
                "status": t.status,
                "status_label": label("topic.status", t.status),
                "outcome": t.outcome,
                "outcome_label": label("topic.outcome", t.outcome) or None,
                "waiting_step": t.waiting_step,
                "waiting_step_name": step_name(t.waiting_step) or None,
                "waiting_body": names.bodies.get(t.waiting_body_id),
                "working_group": names.bodies.get(t.working_group_id),
                "raised_at": t.raised_at,
                "age_days": (today - t.raised_at.astimezone(BERLIN).date()).days,
                "due_at": t.due_at,
                "reminder_due_at": t.reminder_due_at,
                "reminders": t.reminders or 0,
                "overdue": bool(overdue),
                "cases": linked[t.id][0],
                "linked_cases_total": linked[t.id][1],
            }
        )
    return out


def topic_detail(session: Session, topic: Topic, user: Actor) -> dict:
    """One topic with its trail (who decided what, when and why) and the agendas it was on."""
    names = Names(session, user.tenant_id)
    out = topic_summaries(session, [topic], user, names)[0]
    out.update(
        {
            "description": topic.description,
            "recipient_authority": topic.recipient_authority,
            "state_reference": topic.state_reference,
            "forwarded_on": topic.forwarded_on,
            "answered_on": topic.answered_on,
            "closed_at": topic.closed_at,
            "trail": [
                {
                    "id": e.id,
                    "at": e.at,
                    "username": e.username,
                    "role": e.role,
                    "role_label": label("user.role", e.role) or None,
                    "level": e.level,
                    "level_label": label("topic.level", e.level),
                    "step": e.step,
                    "step_name": step_name(e.step),
                    "decision": e.decision,
                    "decision_label": label("topic.decision", e.decision),
                    "decided_on": e.decided_on,
                    "reason": e.reason,
                    "body": names.bodies.get(e.body_id),
                    "meeting_id": e.meeting_id,
                    "detail": e.detail,
                }
                for e in service.trail(session, topic.id)
            ],
            "agenda": [
                {
                    "meeting_id": m.id,
                    "body": names.bodies.get(m.body_id, ""),
                    "meets_on": m.meets_on,
                    "position": i.position,
                    "status": i.status,
                    "status_label": label("agenda.status", i.status),
                }
                for i, m in service.agenda_entries(session, topic.id)
            ],
        }
    )
    return out


def list_topics(session: Session, *, user: Actor, **filters) -> dict:
    """A page of the county's topics, oldest first (filters as ``service.list_topics``)."""
    page = service.list_topics(session, user=user, **filters)
    return {
        "items": topic_summaries(session, page.items, user),
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
    }


def overdue(session: Session, *, user: Actor, limit: int = 500) -> dict:
    """Escalations waiting too long, most overdue first."""
    items = service.overdue_topics(session, user=user, limit=limit)
    return {"items": topic_summaries(session, items, user), "total": len(items)}


def get_topic(session: Session, *, user: Actor, topic_id: int) -> dict:
    """One topic of the reader's county (404 otherwise), with its trail."""
    return topic_detail(session, service.get_topic(session, user=user, topic_id=topic_id), user)


def body_view(session: Session, body: Body, names: Names | None = None) -> dict:
    """A body with its members."""
    vocabulary.refresh(session)
    names = names or Names(session, body.tenant_id)
    return {
        "id": body.id,
        "key": body.key,
        "kind": body.kind,
        "kind_label": label("body.kind", body.kind),
        "name": body.name,
        "municipality": names.places.get(body.municipality_id),
        "field": body.field,
        "field_label": label("escalation_steering.working_group_field", body.field) or None,
        "description": body.description,
        "active": body.active,
        "members": [
            {
                "id": m.id,
                "function": m.function,
                "organisation": m.organisation,
                "membership": m.membership,
                "membership_label": label("body.membership", m.membership),
                "chair": m.chair,
            }
            for m in bodies.members(session, body.id)
        ],
    }


def list_bodies(session: Session, *, user: Actor, **filters) -> dict:
    """The Lenkungsgruppe, the local bodies and the working groups."""
    rows = bodies.list_bodies(session, user=user, **filters)
    names = Names(session, user.tenant_id)
    return {"items": [body_view(session, b, names) for b in rows]}


def get_body(session: Session, *, user: Actor, body_id: int) -> dict:
    """One body of the reader's county (404 otherwise)."""
    return body_view(session, bodies.get_body(session, user=user, body_id=body_id))


def meeting_view(
    session: Session, meeting: Meeting, user: Actor, body: Body | None = None, names: Names | None = None
) -> dict:
    """A meeting with its agenda (before assembly: the topics waiting for the body)."""
    vocabulary.refresh(session)
    body = body or session.get_one(Body, meeting.body_id)
    names = names or Names(session, user.tenant_id)
    items = meetings.agenda(session, meeting)
    agenda: list[tuple[int, Topic, str | None, str]]
    if items:
        agenda = [(i.position, t, i.step, i.status) for i, t in items]
    elif meeting.status == meetings.PLANNED:
        agenda = [
            (n, t, t.waiting_step, "waiting")
            for n, t in enumerate(meetings.waiting_topics(session, meeting), 1)
        ]
    else:
        agenda = []
    return {
        "id": meeting.id,
        "body_id": body.id,
        "body": body.name,
        "body_kind": body.kind,
        "body_kind_label": label("body.kind", body.kind),
        "meets_on": meeting.meets_on,
        "location": meeting.location,
        "status": meeting.status,
        "status_label": label("meeting.status", meeting.status),
        "agenda_assembled": bool(items),
        "minutes_at": meeting.minutes_at,
        "minutes_note": meeting.minutes_note,
        "attendance": meeting.attendance,
        "agenda": [_agenda_item(pos, t, step, status, names) for pos, t, step, status in agenda],
    }


def _agenda_item(position: int, topic: Topic, step: str | None, status: str, names: Names) -> dict:
    kind = STEPS[step].agenda if step in STEPS and STEPS[step].agenda else "decision"
    return {
        "position": position,
        "topic_id": topic.id,
        "number": topic.number,
        "title": topic.title,
        "category": topic.category,
        "category_label": label("topic.category", topic.category),
        "municipality": names.places.get(topic.municipality_id, ""),
        "step": step or "",
        "step_name": step_name(step),
        "kind": kind,
        "kind_label": label("agenda.kind", kind),
        "status": status,
        "status_label": label("agenda.status", status),
    }


def list_meetings(session: Session, *, user: Actor, **filters) -> dict:
    """Meetings of the county by date, with their agendas."""
    names = Names(session, user.tenant_id)
    return {
        "items": [
            meeting_view(session, m, user, b, names)
            for m, b in meetings.list_meetings(session, user=user, **filters)
        ]
    }


def get_meeting(session: Session, *, user: Actor, meeting_id: int) -> dict:
    """One meeting of the reader's county (404 otherwise)."""
    return meeting_view(session, meetings.get_meeting(session, user=user, meeting_id=meeting_id), user)


def upcoming(session: Session, *, user: Actor, limit: int = 10) -> list[dict]:
    """Planned meetings from today, each with the topics on (or waiting for) its agenda."""
    vocabulary.refresh(session)
    names = Names(session, user.tenant_id)
    return [
        {
            "meeting": m,
            "body": b,
            "meets_on": m.meets_on,
            "items": [
                {
                    "topic": t,
                    "step_name": step_name(t.waiting_step),
                    "municipality": names.places.get(t.municipality_id, ""),
                }
                for t in topics
            ],
        }
        for m, b, topics in meetings.upcoming(session, user=user, limit=limit)
    ]
