"""Programme facts: one row per countable event, written when it happens (Programmcontrolling).

Figures are GROUP BYs over this table; nothing loads a workflow or decrypts form data to
count. Rows hold no personal data (municipality, team, a kind, a code, a date) and stay when
a case's personal data is removed after the retention period.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class ProgrammeEvent(Base):
    __tablename__ = "programme_events"
    __table_args__ = (
        Index("ix_programme_events_year", "tenant_id", "school_year", "kind"),
        Index("ix_programme_events_case", "case_id", "kind"),
        # the state's view: all tenants' figures of a school year from the index alone (engine/state)
        Index("ix_programme_events_state", "school_year", "tenant_id", "kind", "code"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    # persons_supported | cm_case | referral | closure | goals_met
    # | topic_raised | topic_escalated | topic_resolved
    kind: Mapped[str] = mapped_column(String(30))
    code: Mapped[str | None] = mapped_column(String(40))  # agency, closure reason, level, category ...
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"))
    # persons_supported: the household member counted (each member once, engine/reports/projection.py)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("household_members.id"))
    occurred_on: Mapped[date] = mapped_column(Date)
    school_year: Mapped[str] = mapped_column(String(7))  # "2023/24": 1 Aug 2023 - 31 Jul 2024
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
