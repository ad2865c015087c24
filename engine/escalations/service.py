"""Raising, listing and reading structural topics; the overdue escalations."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..audit.service import Event, case_event, record
from ..cases.service import Page, get_case
from ..clock import BERLIN, utcnow
from ..db import begin_write
from ..errors import Forbidden, InvalidInput
from ..instances.service import create_instance, start_current
from ..org.models import Municipality
from ..org.service import filter_id, find_municipality
from ..reports.events import add_event
from .access import RAISE_ROLES, can_read, load_topic, refuse_client_data
from .models import LOCAL, OPEN, AgendaItem, Meeting, Topic, TopicCase, TopicEvent
from .projection import apply
from .steps import CATEGORIES, LEVELS, PROCESS_ID

MAX_CASES = 50


def raise_topic(
    session: Session,
    *,
    user: Actor,
    title: str,
    category: str,
    municipality: str,
    description: str,
    case_ids: list[int] | None = None,
) -> Topic:
    """A case manager (or coordinator) brings a structural topic to the local body.

    Cases are linked by pseudonym; the user must be allowed to see each of them. Text that
    names a linked client the user sees by name (or their birth date) is refused; the rest is
    checked by the cases' case managers (review.py).
    """
    if user.role not in RAISE_ROLES:
        raise Forbidden("Themen bringen Case-Managerinnen, Case-Manager und die koordinierenden Stellen ein.")
    if category not in CATEGORIES:
        raise InvalidInput("Unbekannter Lebensbereich.", errors={"category": ["Unbekannter Lebensbereich."]})
    ids = list(dict.fromkeys(case_ids or []))
    if len(ids) > MAX_CASES:
        raise InvalidInput("Zu viele Fälle.", errors={"case_ids": [f"Höchstens {MAX_CASES} Fälle."]})
    begin_write(session)
    cases = [get_case(session, user=user, case_id=case_id) for case_id in ids]
    place = find_municipality(session, user.tenant_id, municipality)
    if user.role == "case_manager" and user.team_id is None and place.id != user.municipality_id:
        raise Forbidden("Sie können Themen nur für Ihre eigene Gemeinde einbringen.", kind="out-of-scope")
    refuse_client_data(user, cases, {"title": title, "description": description})
    now = utcnow()
    topic = Topic(
        tenant_id=user.tenant_id,
        number="",
        title=title.strip(),
        description=description.strip(),
        category=category,
        municipality_id=place.id,
        team_id=user.team_id,
        raised_by_id=user.id,
        raised_at=now,
        level=LOCAL,
        status=OPEN,
        reminders=0,
    )
    session.add(topic)
    session.flush()
    topic.number = f"TH-{now.astimezone(BERLIN):%Y}-{topic.id:05d}"
    for case in cases:
        session.add(
            TopicCase(
                topic_id=topic.id,
                case_id=case.id,
                pseudonym=case.pseudonym,
                linked_by_id=user.id,
                linked_at=now,
            )
        )
    version_id, result = start_current(
        session, PROCESS_ID, "Der Eskalationsprozess konnte nicht gestartet werden.", tenant_id=user.tenant_id
    )
    instance, _ = create_instance(
        session, case=None, version_id=version_id, process_id=PROCESS_ID, result=result, user=user
    )
    instance.started_by_id = user.id  # timers fired later need the tenant of a case-less instance
    topic.instance_id = instance.id
    apply(session, topic, result, now)
    today = now.astimezone(BERLIN).date()
    session.add(
        TopicEvent(
            topic_id=topic.id,
            at=now,
            user_id=user.id,
            username=user.username,
            role=user.role,
            level=LOCAL,
            step="start",
            decision="raised",
            decided_on=today,
            body_id=topic.waiting_body_id,
            detail={"cases": [c.pseudonym for c in cases]},
        )
    )
    add_event(
        session,
        tenant_id=topic.tenant_id,
        kind="topic_raised",
        code=category,
        occurred_on=today,
        now=now,
        municipality_id=place.id,
        team_id=user.team_id,
        topic_id=topic.id,
    )
    record(
        session,
        user,
        Event("topic.create", "topic", topic.id, detail={"cases": len(cases)}),
        *(case_event("topic.link", c, detail={"topic_id": topic.id}) for c in cases),
    )
    session.flush()
    return topic


def list_topics(
    session: Session,
    *,
    user: Actor,
    level: str | None = None,
    status: str | None = None,
    category: str | None = None,
    municipality: str | None = None,
    min_age_days: int | None = None,
    max_age_days: int | None = None,
    page: int = 1,
    per_page: int = 25,
) -> Page:
    """Topics of the county, oldest first, filtered by level, status, category, municipality and age."""
    can_read(user)
    cond = [Topic.tenant_id == user.tenant_id]
    if level:
        if level not in LEVELS:
            raise InvalidInput("Unbekannte Ebene.", errors={"level": ["Unbekannte Ebene."]})
        cond.append(Topic.level == level)
    if status:
        cond.append(Topic.status == status)
    if category:
        cond.append(Topic.category == category)
    if municipality:
        cond.append(Topic.municipality_id == filter_id(session, user.tenant_id, Municipality, municipality))
    today = utcnow().astimezone(BERLIN).date()  # age in whole days, as the list shows it (age_days)
    if min_age_days is not None:
        cond.append(Topic.raised_at < _midnight(today - timedelta(days=min_age_days - 1)))
    if max_age_days is not None:
        cond.append(Topic.raised_at >= _midnight(today - timedelta(days=max_age_days)))
    total = session.scalar(select(func.count()).select_from(Topic).where(*cond)) or 0
    items = session.scalars(
        select(Topic)
        .where(*cond)
        .order_by(Topic.raised_at, Topic.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(list(items), total, page, per_page)


def _midnight(day) -> datetime:
    return datetime.combine(day, time(0), BERLIN)


def get_topic(session: Session, *, user: Actor, topic_id: int) -> Topic:
    """One topic of the user's county (404 otherwise)."""
    return load_topic(session, user, topic_id)


def trail(session: Session, topic_id: int) -> list[TopicEvent]:
    """Who decided what, when and why, oldest first."""
    return list(
        session.scalars(select(TopicEvent).where(TopicEvent.topic_id == topic_id).order_by(TopicEvent.id))
    )


def agenda_entries(session: Session, topic_id: int) -> list[tuple[AgendaItem, Meeting]]:
    """The meetings whose agenda the topic was on."""
    return list(
        session.execute(
            select(AgendaItem, Meeting)
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .where(AgendaItem.topic_id == topic_id)
            .order_by(Meeting.meets_on)
        ).tuples()
    )


def overdue_condition(now):
    """Open topics past their step's due time, or whose state answer is overdue."""
    return (Topic.status == OPEN) & or_(
        Topic.due_at < now, Topic.reminder_due_at < now, Topic.waiting_step == "state_reminder"
    )


def overdue_topics(session: Session, *, user: Actor, limit: int = 500) -> list[Topic]:
    """Escalations that wait too long, most overdue first."""
    can_read(user)
    now = utcnow()
    return list(
        session.scalars(
            select(Topic)
            .where(Topic.tenant_id == user.tenant_id, overdue_condition(now))
            .order_by(func.coalesce(Topic.reminder_due_at, Topic.due_at), Topic.id)
            .limit(limit)
        )
    )
