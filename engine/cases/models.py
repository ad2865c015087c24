"""Cases: the case record, which alone holds the client's personal data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import EncryptedJSON
from ..db import Base, UTCDateTime

OPEN, CLOSED = "open", "closed"


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_scope", "tenant_id", "municipality_id", "status", "opened_at"),
        Index("ix_cases_team_scope", "team_id", "status", "opened_at"),
        # A municipality's case manager: her cases without a team, newest first (list and search).
        Index("ix_cases_place_scope", "municipality_id", "team_id", "opened_at", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_number: Mapped[str] = mapped_column(String(40), unique=True)
    pseudonym: Mapped[str] = mapped_column(String(40), unique=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    status: Mapped[str] = mapped_column(String(20))
    closure_reason: Mapped[str | None] = mapped_column(String(40), index=True)
    route: Mapped[str | None] = mapped_column(String(20))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    case_manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    family_name: Mapped[str] = mapped_column(String(200), index=True)
    given_name: Mapped[str] = mapped_column(String(200))
    # Encrypted at rest (may hold health data); family/given name stay plain for search.
    client: Mapped[dict] = mapped_column(EncryptedJSON)
    # Retention: a legal hold stops deletion; deletion_due_at is set on closure or withdrawal.
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    legal_hold_reason: Mapped[str | None] = mapped_column(String(500))
    deletion_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    municipality = relationship("Municipality")
    team = relationship("Team")
    case_manager = relationship("User")
