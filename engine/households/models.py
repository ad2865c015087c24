"""Households: the persons a case is opened for (a family or a single person), one row per member.

A case holds one household. Its first member is the person the case was opened for; members join and
leave (``left_at``) but are never deleted while the case lives, so history and figures keep them.
Personal data (names, birth date, languages) is encrypted at rest in ``person``; the family and given
name stay plain as on ``cases`` for search and the duplicate check.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..crypto import EncryptedJSON
from ..db import Base, UTCDateTime

SELF = "self"  # the person the case was opened for


class Member(Base):
    """One person of a case's household."""

    __tablename__ = "household_members"
    __table_args__ = (
        Index("ix_members_case", "case_id", "position"),
        Index("ix_members_name", "tenant_id", "family_name"),
        Index("ix_members_name_key", "tenant_id", "name_key"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    position: Mapped[int] = mapped_column(Integer)  # order in the household, 1 = the case's person
    relationship: Mapped[str] = mapped_column(String(30))  # vocabulary household.relationship
    family_name: Mapped[str] = mapped_column(String(200))
    given_name: Mapped[str] = mapped_column(String(200))
    # phonetic key of the family name (engine/households/keys.py), written with the name: the duplicate
    # check's prefilter
    name_key: Mapped[str | None] = mapped_column(String(40))
    # given_name, family_name, birth_date (ISO), languages, nationality, ...: encrypted at rest
    person: Mapped[dict] = mapped_column(EncryptedJSON)
    residence_status: Mapped[str | None] = mapped_column(String(40))  # vocabulary residence.status
    residence_valid_until: Mapped[date | None] = mapped_column(Date)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    left_reason: Mapped[str | None] = mapped_column(String(200))


class MemberChange(Base):
    """One changed field of a member: who changed it when, from what to what (values encrypted)."""

    __tablename__ = "member_changes"
    __table_args__ = (Index("ix_member_changes_member", "member_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("household_members.id"))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))  # the member's
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    field: Mapped[str] = mapped_column(String(40))  # given_name, birth_date, residence_status, left, ...
    # {"old": ..., "new": ...}: names and dates are personal data, encrypted at rest like ``person``
    change: Mapped[dict] = mapped_column(EncryptedJSON)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
