"""A check of an authority (Bleiberechtsprüfung, Einbürgerungsprüfung): one row per check instance.

The row links the check's process instance to its case, the referral it answers and the agency whose
staff work it; it pins the checklist's form version at the start (a new version of the law's criteria
applies to checks started later) and keeps the result per path once the check is done. The result
holds the authority's notes on what is missing: client text, encrypted at rest.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..crypto import EncryptedJSON
from ..db import Base, UTCDateTime

RUNNING, FINISHED, STOPPED = "running", "finished", "stopped"
# The processes whose instances are checks (one row here each; engine/hooks.py wires their projection).
PROCESS_IDS = ("residence_check", "naturalisation_check")


class Check(Base):
    """One check of an authority for a case."""

    __tablename__ = "checks"
    __table_args__ = (
        Index("ix_checks_case", "case_id", "id"),
        Index("ix_checks_agency", "tenant_id", "agency", "status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    agency: Mapped[str] = mapped_column(String(40))  # vocabulary consent.agency (the referral's)
    kind: Mapped[str] = mapped_column(String(20))  # vocabulary check.kind: residence | naturalisation
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), unique=True)
    form_version_id: Mapped[int] = mapped_column(ForeignKey("form_versions.id"))  # the pinned checklist
    status: Mapped[str] = mapped_column(String(12))  # RUNNING | FINISHED | STOPPED
    met: Mapped[bool | None] = mapped_column(default=None)  # some path's criteria all met (when finished)
    result: Mapped[dict | None] = mapped_column(EncryptedJSON)  # engine/checks/result.py
    started_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
