"""Goals: what a case's accompaniment works towards, one row per goal with an id.

The goal agreement creates one row per goal it lists (engine/goals/projection.py, an after-step hook);
goals can be added later and dropped with a reason (engine/goals/service.py). Each evaluation picks
goals by id and gives each a status; the row keeps the latest (``status``, ``evaluated_on``). The goal's
text and a drop reason are client text: encrypted at rest like the history's form data.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..crypto import EncryptedText
from ..db import Base, UTCDateTime

OPEN, DROPPED = "open", "dropped"
# open (not yet evaluated), the four statuses an evaluation gives (form evaluation, progress.status), dropped
STATUSES = (OPEN, "achieved", "partly_achieved", "in_progress", "not_achieved", DROPPED)
AGREEMENT, ADDED = "agreement", "added"  # where a goal comes from


class Goal(Base):
    """One goal of a case."""

    __tablename__ = "goals"
    __table_args__ = (Index("ix_goals_case", "case_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    text: Mapped[str] = mapped_column(EncryptedText)
    life_area: Mapped[str | None] = mapped_column(String(40))  # form goal_agreement, goals.life_area
    member_ids: Mapped[list] = mapped_column(JSON)  # household members the goal concerns (may be empty)
    target_date: Mapped[date | None] = mapped_column(Date)
    linked_help: Mapped[str | None] = mapped_column(String(40))  # form goal_agreement, goals.linked_help
    status: Mapped[str] = mapped_column(String(20))  # STATUSES
    source: Mapped[str] = mapped_column(String(20))  # AGREEMENT | ADDED
    agreed_on: Mapped[date | None] = mapped_column(Date)
    task_id: Mapped[str | None] = mapped_column(String(36))  # the goal agreement task that agreed it
    evaluated_on: Mapped[date | None] = mapped_column(Date)  # the latest evaluation that gave a status
    dropped_reason: Mapped[str | None] = mapped_column(EncryptedText)
    dropped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dropped_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
