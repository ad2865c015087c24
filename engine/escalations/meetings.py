"""Meetings of bodies: agendas assembled from the topics waiting for the body, minutes that decide."""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..audit.service import Event, record
from ..clock import today_berlin, utcnow
from ..db import begin_write
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from .access import can_read, require_coordinator
from .bodies import get_body, members
from .decisions import complete_step
from .models import OPEN, STEERING, AgendaItem, Body, Meeting, Topic, TopicEvent
from .steps import STEPS

PLANNED, HELD = "planned", "held"


def create_meeting(
    session: Session, *, user: Actor, body_id: int, meets_on: date, location: str | None = None
) -> Meeting:
    """Coordinators schedule a meeting of a body."""
    require_coordinator(user)
    begin_write(session)
    body = get_body(session, user=user, body_id=body_id)
    meeting = Meeting(
        tenant_id=user.tenant_id,
        body_id=body.id,
        meets_on=meets_on,
        location=location,
        status=PLANNED,
        created_at=utcnow(),
    )
    session.add(meeting)
    session.flush()
    record(session, user, Event("meeting.create", "meeting", meeting.id, detail={"body_id": body.id}))
    return meeting


def list_meetings(
    session: Session,
    *,
    user: Actor,
    body_id: int | None = None,
    status: str | None = None,
    from_date: date | None = None,
    limit: int = 200,
) -> list[tuple[Meeting, Body]]:
    """Meetings of the county, by date (upcoming ones from ``from_date``)."""
    can_read(user)
    cond = [Meeting.tenant_id == user.tenant_id]
    if body_id is not None:
        cond.append(Meeting.body_id == body_id)
    if status:
        cond.append(Meeting.status == status)
    if from_date is not None:
        cond.append(Meeting.meets_on >= from_date)
    return list(
        session.execute(
            select(Meeting, Body)
            .join(Body, Body.id == Meeting.body_id)
            .where(*cond)
            .order_by(Meeting.meets_on, Meeting.id)
            .limit(limit)
        ).tuples()
    )


def get_meeting(session: Session, *, user: Actor, meeting_id: int, lock: bool = False) -> Meeting:
    can_read(user)
    query = select(Meeting).where(Meeting.id == meeting_id, Meeting.tenant_id == user.tenant_id)
    meeting = session.scalars(query.with_for_update() if lock else query).first()
    if meeting is None:
        raise NotFound("Diese Sitzung gibt es nicht.")
    return meeting


def waiting_topics(session: Session, meeting: Meeting) -> list[Topic]:
    """Open topics whose waiting step belongs on this body's agenda and that are not yet on
    the agenda of another planned meeting."""
    steps = [k for k, s in STEPS.items() if s.agenda]
    scheduled = exists().where(
        AgendaItem.topic_id == Topic.id,
        AgendaItem.status == OPEN,
        AgendaItem.meeting_id != meeting.id,
        AgendaItem.task_id == Topic.waiting_task_id,
    )
    return list(
        session.scalars(
            select(Topic)
            .where(
                Topic.tenant_id == meeting.tenant_id,
                Topic.status == OPEN,
                Topic.waiting_body_id == meeting.body_id,
                Topic.waiting_step.in_(steps),
                ~scheduled,
            )
            .order_by(Topic.raised_at, Topic.id)
        )
    )


def agenda(session: Session, meeting: Meeting) -> list[tuple[AgendaItem, Topic]]:
    return list(
        session.execute(
            select(AgendaItem, Topic)
            .join(Topic, Topic.id == AgendaItem.topic_id)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position)
        ).tuples()
    )


def assemble_agenda(session: Session, *, user: Actor, meeting_id: int) -> Meeting:
    """Put every topic waiting for the body on the meeting's agenda (again: adds newly waiting ones)."""
    require_coordinator(user)
    begin_write(session)
    meeting = get_meeting(session, user=user, meeting_id=meeting_id, lock=True)
    if meeting.status != PLANNED:
        raise Conflict(
            "Die Sitzung hat bereits stattgefunden; die Tagesordnung ist abgeschlossen.", kind="meeting-held"
        )
    position = (
        session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)) or 0
    )
    on_agenda = {
        t for (t,) in session.execute(select(AgendaItem.topic_id).where(AgendaItem.meeting_id == meeting.id))
    }
    now = utcnow()
    added = 0
    for topic in waiting_topics(session, meeting):
        if topic.id in on_agenda:
            continue
        position += 1
        added += 1
        session.add(
            AgendaItem(
                meeting_id=meeting.id,
                topic_id=topic.id,
                position=position,
                step=topic.waiting_step,
                task_id=topic.waiting_task_id,
                status=OPEN,
            )
        )
        session.add(
            TopicEvent(
                topic_id=topic.id,
                at=now,
                user_id=user.id,
                username=user.username,
                role=user.role,
                level=topic.level,
                step=topic.waiting_step,
                decision="on_agenda",
                decided_on=meeting.meets_on,
                body_id=meeting.body_id,
                meeting_id=meeting.id,
            )
        )
    meeting.agenda_at = now
    session.flush()
    record(session, user, Event("meeting.agenda", "meeting", meeting.id, detail={"added": added}))
    return meeting


def record_minutes(
    session: Session,
    *,
    user: Actor,
    meeting_id: int,
    items: list[dict],
    note: str | None = None,
    reminder_default: str = "P6W",
    attendance: dict | None = None,
) -> Meeting:
    """The minutes: each decision completes the topic's waiting step; the rest is deferred.

    A refused item's field errors name the item (``items.<i>.data.<field>``), so a form of the whole
    minutes can show each message next to its field.
    """
    can_read(user)
    begin_write(session)
    meeting = get_meeting(session, user=user, meeting_id=meeting_id, lock=True)
    body = session.get(Body, meeting.body_id)
    assert body is not None  # a meeting's body is a foreign key
    if user.role != "coordinator" and not (user.role == "steering" and body.kind == STEERING):
        raise Forbidden(
            "Das Protokoll erfassen die koordinierenden Stellen (bei der Lenkungsgruppe auch ihre "
            "Mitglieder)."
        )
    if meeting.status != PLANNED:
        raise Conflict("Das Protokoll dieser Sitzung ist bereits erfasst.", kind="minutes-recorded")
    if meeting.meets_on > today_berlin():
        raise Conflict("Die Sitzung hat noch nicht stattgefunden.", kind="meeting-not-held")
    now = utcnow()
    seen: set[int] = set()
    for i, entry in enumerate(items):
        topic = session.scalars(
            select(Topic)
            .where(Topic.id == entry.get("topic_id"), Topic.tenant_id == user.tenant_id)
            .with_for_update()
        ).first()
        if topic is None or topic.id in seen:
            raise InvalidInput(
                "Unbekanntes oder doppeltes Thema im Protokoll.",
                errors={f"items.{i}.topic_id": ["Unbekanntes oder doppeltes Thema."]},
            )
        seen.add(topic.id)
        if topic.status != OPEN or topic.waiting_body_id != meeting.body_id:
            raise Conflict(f"Das Thema {topic.number} wartet nicht auf dieses Gremium.", kind="wrong-body")
        item = _item_for(session, meeting, topic)
        if entry.get("deferred"):
            _defer(session, user, meeting, topic, item, entry.get("reason") or "Vertagt.", now)
            continue
        data = entry.get("data")
        step = STEPS.get(topic.waiting_step or "")
        if isinstance(data, dict) and step is not None:
            data = {step.date_field: meeting.meets_on.isoformat(), **data}
        try:
            event = complete_step(
                session, user=user, topic=topic, data=data, meeting=meeting, reminder_default=reminder_default
            )
        except InvalidInput as exc:  # the same refusal, its fields named by the item
            exc.detail = f"{topic.number}: {exc.detail}"
            exc.errors = {f"items.{i}.data.{k}": v for k, v in exc.errors.items()}
            raise
        item.status, item.event_id = "decided", event.id
    for item, topic in agenda(session, meeting):
        if item.status == OPEN:
            _defer(session, user, meeting, topic, item, "In der Sitzung nicht behandelt.", now)
    meeting.status, meeting.minutes_at, meeting.minutes_by_id, meeting.minutes_note = HELD, now, user.id, note
    meeting.attendance = _attendance(session, meeting, attendance) if attendance is not None else None
    session.flush()
    record(session, user, Event("meeting.minutes", "meeting", meeting.id, detail={"items": len(items)}))
    return meeting


def _attendance(session: Session, meeting: Meeting, given: dict) -> dict:
    """The body's seats, each present or not (``given["present"]``: member ids), and further attendees."""
    present = {int(i) for i in given.get("present") or [] if str(i).isdigit()}
    guests = str(given.get("guests") or "").strip()
    if len(guests) > 2000:
        raise InvalidInput(
            "Zu lange Angabe der weiteren Teilnehmenden.",
            errors={"attendance.guests": ["Höchstens 2000 Zeichen."]},
        )
    return {
        "members": [
            {"function": m.function, "organisation": m.organisation, "present": m.id in present}
            for m in members(session, meeting.body_id)
        ],
        "guests": guests,
    }


def move_item(session: Session, *, user: Actor, meeting_id: int, topic_id: int, up: bool) -> Meeting:
    """Coordinators change the order of a planned meeting's agenda: one item up or down."""
    require_coordinator(user)
    begin_write(session)
    meeting = get_meeting(session, user=user, meeting_id=meeting_id, lock=True)
    if meeting.status != PLANNED:
        raise Conflict(
            "Die Sitzung hat bereits stattgefunden; die Tagesordnung ist abgeschlossen.", kind="meeting-held"
        )
    items = [i for i, _t in agenda(session, meeting)]
    index = next((n for n, i in enumerate(items) if i.topic_id == topic_id), None)
    if index is None:
        raise NotFound("Dieses Thema steht nicht auf der Tagesordnung.")
    other = index - 1 if up else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items, 1):
        item.position = position
    session.flush()
    record(session, user, Event("meeting.agenda", "meeting", meeting.id, detail={"moved": topic_id}))
    return meeting


def _item_for(session: Session, meeting: Meeting, topic: Topic) -> AgendaItem:
    item = session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id, AgendaItem.topic_id == topic.id)
    ).first()
    if item is not None:
        return item
    position = (
        session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)) or 0
    )
    item = AgendaItem(
        meeting_id=meeting.id,
        topic_id=topic.id,
        position=position + 1,
        step=topic.waiting_step or "",
        task_id=topic.waiting_task_id,
        status=OPEN,
    )
    session.add(item)
    session.flush()
    return item


def _defer(session, user, meeting, topic, item, reason, now) -> None:
    item.status = "deferred"
    session.add(
        TopicEvent(
            topic_id=topic.id,
            at=now,
            user_id=user.id,
            username=user.username,
            role=user.role,
            level=topic.level,
            step=topic.waiting_step or item.step,
            decision="deferred",
            decided_on=meeting.meets_on,
            reason=reason[:2000],
            body_id=meeting.body_id,
            meeting_id=meeting.id,
        )
    )


def upcoming(session: Session, *, user: Actor, limit: int = 10) -> list[tuple[Meeting, Body, list]]:
    """Planned meetings from today with their agenda (or, not yet assembled, what waits for them)."""
    out = []
    for meeting, body in list_meetings(
        session, user=user, status=PLANNED, from_date=today_berlin(), limit=limit
    ):
        items = agenda(session, meeting)
        out.append((meeting, body, [t for _i, t in items] if items else waiting_topics(session, meeting)))
    return out
