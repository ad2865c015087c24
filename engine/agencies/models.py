"""One row per agency of a tenant: the code referrals and agency accounts name, its name, its kind (the
consent vocabulary's agency a release is given towards) and the days it has to answer a referral."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

REMINDER_DAYS = 14  # an agency's default period to answer a referral


class Agency(Base):
    __tablename__ = "agencies"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))  # Referral.agency, User.agency
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))  # vocabulary consent.agency (releases are per kind)
    # Days the agency has to answer a referral; NULL: the tenant's period (tenants.referral_reminder_days),
    # else REMINDER_DAYS.
    reminder_days: Mapped[int | None] = mapped_column(Integer)
