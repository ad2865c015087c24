"""What remains after personal data is deleted: the record that it was."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class DeletionRecord(Base):
    __tablename__ = "deletion_records"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(40))
    pseudonym: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(30))
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Counts of what was removed per table (no content).
    removed: Mapped[dict] = mapped_column(JSON)
