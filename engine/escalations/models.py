"""Structural topics (Themen), the bodies that decide on them, meetings, agendas and the trail."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime

LOCAL, STEERING, WORKING_GROUP, STATE, CLOSED = "local", "steering", "working_group", "state", "closed"
OPEN, DONE = "open", "done"


class Body(Base):
    """A body that decides on topics: a local round table, the Lenkungsgruppe, a working group."""

    __tablename__ = "bodies"
    __table_args__ = (UniqueConstraint("tenant_id", "key"), Index("ix_bodies_kind", "tenant_id", "kind"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    key: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))  # local | steering | working_group
    name: Mapped[str] = mapped_column(String(200))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    field: Mapped[str | None] = mapped_column(String(20))  # working groups: their life area
    description: Mapped[str | None] = mapped_column(String(1000))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BodyMember(Base):
    """A seat in a body, by function (the seeds name roles, not people)."""

    __tablename__ = "body_members"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))  # the body's
    function: Mapped[str] = mapped_column(String(300))
    organisation: Mapped[str | None] = mapped_column(String(200))
    membership: Mapped[str] = mapped_column(String(20), default="permanent")  # permanent | as_needed
    chair: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (
        Index("ix_meetings_body_date", "body_id", "meets_on"),
        Index("ix_meetings_tenant_date", "tenant_id", "meets_on"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"))
    meets_on: Mapped[date] = mapped_column(Date)
    location: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12))  # planned | held
    agenda_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    minutes_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    minutes_note: Mapped[str | None] = mapped_column(Text)
    # Who attended, recorded with the minutes: {"members": [{"function", "organisation", "present"}],
    # "guests": "..."} (seats by function, as the bodies' members are)
    attendance: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Topic(Base):
    """A structural topic; its process state is projected here for lists and the dashboard."""

    __tablename__ = "topics"
    __table_args__ = (
        Index("ix_topics_level", "tenant_id", "status", "level", "raised_at"),
        Index("ix_topics_municipality", "tenant_id", "municipality_id", "raised_at"),
        Index("ix_topics_waiting", "tenant_id", "waiting_body_id", "status"),
        Index("ix_topics_due", "tenant_id", "status", "due_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    number: Mapped[str] = mapped_column(String(30), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), unique=True)
    level: Mapped[str] = mapped_column(String(20))  # local | steering | working_group | state | closed
    status: Mapped[str] = mapped_column(String(12))  # open | done
    outcome: Mapped[str | None] = mapped_column(String(30), index=True)
    waiting_step: Mapped[str | None] = mapped_column(String(60))
    waiting_task_id: Mapped[str | None] = mapped_column(String(36))
    waiting_body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"))
    working_group_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    recipient_authority: Mapped[str | None] = mapped_column(String(300))
    state_reference: Mapped[str | None] = mapped_column(String(100))
    forwarded_on: Mapped[date | None] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TopicCase(Base):
    """A case the topic came from, by id and pseudonym only."""

    __tablename__ = "topic_cases"
    __table_args__ = (UniqueConstraint("topic_id", "case_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), index=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))  # the topic's
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(40))
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TopicEvent(Base):
    """The trail: who decided what, when and why (append-only)."""

    __tablename__ = "topic_events"
    __table_args__ = (Index("ix_topic_events_topic", "topic_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))  # the topic's
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str | None] = mapped_column(String(80))
    role: Mapped[str | None] = mapped_column(String(30))
    level: Mapped[str] = mapped_column(String(20))
    step: Mapped[str] = mapped_column(String(60))
    decision: Mapped[str] = mapped_column(String(30))
    decided_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    detail: Mapped[dict | None] = mapped_column(JSON)


class AgendaItem(Base):
    """A topic on a meeting's agenda: for decision, or for information (working-group results)."""

    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("meeting_id", "topic_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))  # the meeting's
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(60))
    task_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(12))  # open | decided | deferred
    event_id: Mapped[int | None] = mapped_column(ForeignKey("topic_events.id"))
