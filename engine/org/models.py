"""Tenants (one county's KIM each), their regions, municipalities and teams."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class Tenant(Base):
    __tablename__ = "tenants"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    case_prefix: Mapped[str] = mapped_column(String(10))
    # "county" (a Kreis or kreisfreie Stadt running KIM) or "state" (the state-level accounts' tenant,
    # engine/state: it holds no cases and is left out of every figure).
    kind: Mapped[str] = mapped_column(String(10), default="county", server_default="county")
    # Days after closure until personal data is removed; NULL: the installation default.
    retention_days: Mapped[int | None] = mapped_column(Integer)
    # Days after closure in which its case manager may reopen a case; NULL: 30 (engine/cases/reopen.py).
    reopen_days: Mapped[int | None] = mapped_column(Integer)
    # Days a referral waits for the agency's answer before the reminder; NULL: 14 (engine/referrals).
    referral_reminder_days: Mapped[int | None] = mapped_column(Integer)
    # The controller's postal address and the data-protection officer's contact, as the client sheets
    # print them (engine/sheets); NULL: the tenant's name / a dash.
    controller_address: Mapped[str | None] = mapped_column(String(500))
    dpo_contact: Mapped[str | None] = mapped_column(String(500))
    # The county's own words and features from the seed's ``terms`` (and its bodies' rhythm and region);
    # read only through engine/org/terms.py ``tenant_terms``; NULL: the defaults there.
    terms: Mapped[dict | None] = mapped_column(JSON)


class Region(Base):
    __tablename__ = "regions"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))


class Municipality(Base):
    __tablename__ = "municipalities"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    has_case_management: Mapped[bool] = mapped_column(Boolean, default=True)
    # Inhabitants (seed ``population``); ``weight``: the municipality's share of first contacts (the demo
    # distributes cases by it; NULL: the population, else equal); ``case_managers``: CM posts (NULL: 1);
    # ``active_from``: the first school year with case management (2024 = 2024/25; NULL: always).
    population: Mapped[int | None] = mapped_column(Integer)
    weight: Mapped[int | None] = mapped_column(Integer)
    case_managers: Mapped[int | None] = mapped_column(Integer)
    active_from: Mapped[int | None] = mapped_column(Integer)


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(1000))
