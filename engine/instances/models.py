"""Process instances (live engine state) and the append-only history of finished tasks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..crypto import EncryptedJSON, RememberedText
from ..db import Base, UTCDateTime

RUNNING, COMPLETED = "running", "completed"


class ProcessInstance(Base):
    __tablename__ = "process_instances"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"), index=True)
    process_id: Mapped[str | None] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    # Encrypted at rest: process data holds form data, e.g. health needs (engine/crypto.py); the
    # texts this process wrote last read back without decrypting (RememberedText).
    state: Mapped[str] = mapped_column(RememberedText)
    # Optimistic lock: every state UPDATE checks and bumps it (instances/service.py).
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)
    # Test runs of process owners have no case; who started them (and the tenant) is kept here.
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The heat map's memory of the elements the instance finished: each once, at its latest time
    # (engine/insight/steps.py); no personal data. NULL: not known yet, read from insight_steps.
    insight_seen: Mapped[str | None] = mapped_column(Text, nullable=True)


class HistoryEntry(Base):
    __tablename__ = "history"
    __table_args__ = (Index("ix_history_case", "case_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))  # the instance's
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    bpmn_id: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(60))
    state: Mapped[str] = mapped_column(String(20))
    lane: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    data: Mapped[dict | None] = mapped_column(EncryptedJSON)  # submitted form data, encrypted
