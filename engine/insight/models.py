"""The heat map's step projection: each finished element of an instance with the sequence flow that led
to it and the time spent there, written with the history row (engine/insight/steps.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class InsightStep(Base):
    """One history row of an element of the instance's diagram, as the heat map counts it: a visit of
    ``bpmn_id``; ``flow_id`` the sequence flow taken into it and ``seconds`` the time spent there (both
    None when no earlier element has a flow into it: start events, boundary events)."""

    __tablename__ = "insight_steps"
    __table_args__ = (
        # Covering: the heat map's counts read the index alone.
        Index(
            "ix_insight_steps_scope",
            "tenant_id",
            "process_version_id",
            "at",
            "case_id",
            "municipality_id",
            "instance_id",
            "bpmn_id",
            "flow_id",
            "seconds",
        ),
        Index("ix_insight_steps_instance", "instance_id", "at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    bpmn_id: Mapped[str] = mapped_column(String(100))
    flow_id: Mapped[str | None] = mapped_column(String(100))
    seconds: Mapped[float | None] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
