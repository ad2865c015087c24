"""Deployed process versions and form versions: the shared base's and each tenant's own."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class ProcessVersion(Base):
    __tablename__ = "process_versions"
    __table_args__ = (
        UniqueConstraint("process_id", "version"),
        # the current version of a process (scope.current_id_query): the key's rows only
        Index("ix_process_versions_current", "process_id", "is_current", "tenant_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    # NULL: the shared base; a tenant's own version overrides it for that tenant (engine/processes/scope.py).
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    xml: Mapped[str] = mapped_column(Text)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # Every stored upload is a version: a draft until deployed; the verdict says whether it can be.
    status: Mapped[str] = mapped_column(String(12), default="deployed", server_default="deployed")
    deployable: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    problems: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(80))
    deployed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    deployed_by: Mapped[str | None] = mapped_column(String(80))


class FormVersion(Base):
    __tablename__ = "form_versions"
    __table_args__ = (
        UniqueConstraint("form_key", "version"),
        Index("ix_form_versions_current", "form_key", "is_current", "tenant_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_key: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"), index=True)  # NULL: the base
    content_hash: Mapped[str] = mapped_column(String(64))
    schema: Mapped[dict] = mapped_column(JSON)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deployed_by: Mapped[str] = mapped_column(String(80))


class ProcessIncident(Base):
    """A process model that failed at run time (a budget exceeded, a computed value out of bounds, an
    error in an expression): for the process owners, with the element and the cause (no case data).

    One row per instance and element; a repeat counts up (``count``, ``last_at``, the latest kind)."""

    __tablename__ = "process_incidents"
    __table_args__ = (Index("ix_process_incidents_tenant", "tenant_id", "last_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"))
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), index=True)
    source: Mapped[str] = mapped_column(String(10))  # task | timer
    task_id: Mapped[str | None] = mapped_column(String(36))
    element_id: Mapped[str | None] = mapped_column(String(100))
    element_name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # a budget limit (workflow/budget.py LIMITS) or "error"
    cause: Mapped[str] = mapped_column(Text)
    count: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
