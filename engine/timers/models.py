"""Due timers, one row per timer an instance waits on, indexed by due time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime

WAITING, INCIDENT = "waiting", "incident"


class Timer(Base):
    __tablename__ = "timers"
    __table_args__ = (
        # The scheduler's only question: what is due (or next due) and not leased?
        Index("ix_timers_due", "status", "due_at"),
        Index("ix_timers_lease", "status", "lease_until"),
        UniqueConstraint("instance_id", "task_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))  # the instance's
    task_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))  # date | duration | cycle
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime)  # the timer's own due time
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # next attempt (later when retrying)
    remaining: Mapped[int | None] = mapped_column(Integer)  # cycles still to come, -1 unbounded
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
