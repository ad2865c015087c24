"""The offers directory, its versions and search tags, links from case work, needs and gap records.

- ``offers``: one row per offer of a tenant, for one municipality or county-wide (``municipality_id``
  NULL); what people search by (life areas, languages, target groups) is also kept as typed rows in
  ``offer_tags`` (one per code, indexed), so a search is one GROUP BY and never reads JSON;
- ``offer_versions``: every state an offer was saved in, with author and date (append only);
- ``offer_links``: an offer picked from the directory for a goal or a referral of a case;
- ``offer_needs``: the life areas an assessment named, per case and school year (counted, never shown
  per case): the Bedarf beside the directory's Ist;
- ``offer_gaps``: "kein passendes Angebot": a need (life area) and a reason, by case pseudonym only;
  no members, no free text;
- ``offer_gap_topics``: the counts a structural topic was raised with (no personal data).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime

LIFE_AREA, LANGUAGE, TARGET_GROUP = "life_area", "language", "target_group"
FACETS = (LIFE_AREA, LANGUAGE, TARGET_GROUP)


class Offer(Base):
    """One offer of the directory (its current state; earlier states in ``offer_versions``)."""

    __tablename__ = "offers"
    __table_args__ = (
        Index("ix_offers_place", "tenant_id", "municipality_id", "retired_at"),
        Index("ix_offers_checked", "tenant_id", "checked_on"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))  # NULL: county
    provider: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))  # vocabulary offer.kind
    life_areas: Mapped[list] = mapped_column(JSON)  # codes of assessment.needs.life_area
    target_groups: Mapped[list] = mapped_column(JSON)  # offer.target_group
    languages: Mapped[list] = mapped_column(JSON)  # offer.language
    contact: Mapped[str | None] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(String(300))
    opening_hours: Mapped[str | None] = mapped_column(String(300))
    cost: Mapped[str | None] = mapped_column(String(200))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(300))
    checked_on: Mapped[date | None] = mapped_column(Date)
    # County-wide offers: case managers may keep this one up to date too (set by a coordinator).
    shared_upkeep: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OfferTag(Base):
    """One searchable code of an offer (life area, language or target group)."""

    __tablename__ = "offer_tags"
    __table_args__ = (
        Index("ix_offer_tags_search", "tenant_id", "facet", "code", "offer_id"),
        Index("ix_offer_tags_offer", "offer_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"))
    facet: Mapped[str] = mapped_column(String(20))  # FACETS
    code: Mapped[str] = mapped_column(String(40))


class OfferVersion(Base):
    """An offer as it was saved, with who saved it and when (created, changed, imported, retired)."""

    __tablename__ = "offer_versions"
    __table_args__ = (Index("ix_offer_versions_offer", "offer_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"))
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))  # vocabulary offer.action
    data: Mapped[dict] = mapped_column(JSON)  # the offer's fields after the change
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_by: Mapped[str] = mapped_column(String(200))  # the author's display name, kept as it was
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OfferLink(Base):
    """An offer of the directory picked for a goal or a referral of a case."""

    __tablename__ = "offer_links"
    __table_args__ = (Index("ix_offer_links_case", "case_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id"))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"))
    linked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OfferNeed(Base):
    """A life area an assessment of a case named (one row per case, school year and life area)."""

    __tablename__ = "offer_needs"
    __table_args__ = (
        Index("ix_offer_needs_year", "tenant_id", "school_year", "municipality_id"),
        Index("ix_offer_needs_case", "case_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    school_year: Mapped[str] = mapped_column(String(7))
    life_area: Mapped[str] = mapped_column(String(40))
    assessed_on: Mapped[date] = mapped_column(Date)


class OfferGap(Base):
    """ "Kein passendes Angebot": a need and why nothing fitted; the case by pseudonym, nothing else."""

    __tablename__ = "offer_gaps"
    __table_args__ = (
        Index("ix_offer_gaps_year", "tenant_id", "school_year", "municipality_id"),
        Index("ix_offer_gaps_case", "case_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    pseudonym: Mapped[str] = mapped_column(String(40))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    school_year: Mapped[str] = mapped_column(String(7))
    life_area: Mapped[str] = mapped_column(String(40))  # assessment.needs.life_area
    reason: Mapped[str] = mapped_column(String(40))  # offer.gap_reason
    source: Mapped[str] = mapped_column(String(20))  # offer.gap_source
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id"))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"))
    recorded_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OfferGapTopic(Base):
    """A structural topic raised from the gap figures, with the counts it was raised with."""

    __tablename__ = "offer_gap_topics"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"), unique=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    school_year: Mapped[str] = mapped_column(String(7))
    life_area: Mapped[str | None] = mapped_column(String(40))
    counts: Mapped[dict] = mapped_column(JSON)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
