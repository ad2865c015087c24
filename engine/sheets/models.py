"""A tenant's own catalogue for one language: overrides the shipped one until it is reset."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class TenantCatalogue(Base):
    """An uploaded ``.po`` file (as uploaded, checked against the German source) with its review state."""

    __tablename__ = "sheet_catalogues"
    __table_args__ = (UniqueConstraint("tenant_id", "language"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    language: Mapped[str] = mapped_column(String(10))
    content: Mapped[str] = mapped_column(Text)
    version: Mapped[str] = mapped_column(String(50))
    review_state: Mapped[str] = mapped_column(String(10))
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_on: Mapped[str | None] = mapped_column(String(20))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
