"""The task projection: what inboxes query, in typed indexed columns."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..crypto import EncryptedJSON
from ..db import Base, UTCDateTime

READY, COMPLETED, CANCELLED = "ready", "completed", "cancelled"


class TaskRecord(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_inbox_municipality", "status", "municipality_id", "created_at"),
        Index("ix_tasks_inbox_team", "status", "team_id", "created_at"),
        Index("ix_tasks_case", "case_id", "status"),
        Index("ix_tasks_instance", "instance_id", "status"),
        Index("ix_tasks_assignee", "assignee_id", "status"),
        Index("ix_tasks_tenant_open", "tenant_id", "status", "bpmn_id"),  # the heat map's waiting counts
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    bpmn_id: Mapped[str] = mapped_column(String(100))
    # The process the task belongs to (the inbox's process filter; NULL on rows from before 0022).
    process_id: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    form_key: Mapped[str | None] = mapped_column(String(100))
    lane: Mapped[str | None] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class InboxChoice(Base):
    """The inbox view a user chose last (filter, sort, process, municipality), restored on the next visit."""

    __tablename__ = "inbox_choices"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))  # the user's
    view: Mapped[str] = mapped_column(String(20))
    sort: Mapped[str] = mapped_column(String(20))
    process_id: Mapped[str | None] = mapped_column(String(100))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TaskDraft(Base):
    """Form values saved for later (one draft per task; may hold health data, so encrypted)."""

    __tablename__ = "task_drafts"
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id"), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))  # the task's
    data: Mapped[dict] = mapped_column(EncryptedJSON)
    saved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)
