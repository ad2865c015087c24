"""One row per follow-up instance, projected from its process data and its tasks for overviews.

The check-in counters count tasks of the tasks projection (engine/followups/projection.py):
``checkins_done`` the completed check-ins, ``checkins_fired`` the check-in tasks created so far,
``checkins_planned`` the check-ins the diagram plans (months skipped as long gone are never created).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime

PLANNING, WAITING, DONE, STOPPED = "planning", "waiting", "done", "stopped"


class FollowUp(Base):
    __tablename__ = "followups"
    __table_args__ = (
        Index("ix_followups_due", "tenant_id", "status", "due_date"),
        Index("ix_followups_team", "team_id", "status", "due_date"),
        Index("ix_followups_municipality", "municipality_id", "status", "due_date"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    status: Mapped[str] = mapped_column(String(12))
    responsible: Mapped[str | None] = mapped_column(String(20))
    responsible_person: Mapped[str | None] = mapped_column(String(200))
    placement_kind: Mapped[str | None] = mapped_column(String(20))
    start_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    checkins_done: Mapped[int] = mapped_column(Integer, default=0)
    checkins_fired: Mapped[int] = mapped_column(Integer, default=0)
    checkins_planned: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str | None] = mapped_column(String(20), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
