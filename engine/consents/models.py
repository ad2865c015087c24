"""The consent register and the referrals made under it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import EncryptedText
from ..db import Base, UTCDateTime

DATA_PROCESSING, RELEASE = "data_processing", "confidentiality_release"


class Consent(Base):
    """One thing a client agreed to: data processing, or a release towards one agency."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_case", "case_id", "kind", "agency"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))  # the case's
    kind: Mapped[str] = mapped_column(String(30))
    agency: Mapped[str | None] = mapped_column(String(40))
    form_version: Mapped[str | None] = mapped_column(String(50))
    given_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # the sheet it was signed on (engine/sheets): language, catalogue version with review state, the
    # interpreting service present (required for a draft translation) and the signed scan in the case file
    sheet_language: Mapped[str | None] = mapped_column(String(10))
    sheet_version: Mapped[str | None] = mapped_column(String(80))
    interpreter_service: Mapped[str | None] = mapped_column(String(200))
    scan_document_id: Mapped[int | None] = mapped_column(Integer)  # a document of the same case
    # whom it covers (household members; a minor's given by the guardian)
    members: Mapped[list[ConsentMember]] = relationship(
        "ConsentMember", lazy="selectin", cascade="all, delete-orphan", order_by="ConsentMember.member_id"
    )

    @property
    def member_ids(self) -> list[int]:
        return [m.member_id for m in self.members]


class ConsentMember(Base):
    """Whom a consent covers: one row per household member; for a minor, the guardian who gave it."""

    __tablename__ = "consent_members"
    __table_args__ = (Index("ix_consent_members_member", "member_id"),)
    consent_id: Mapped[int] = mapped_column(ForeignKey("consents.id"), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))  # the consent's
    member_id: Mapped[int] = mapped_column(ForeignKey("household_members.id"), primary_key=True)
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("household_members.id"))


# A referral's status (vocabulary ``referral.status``): set by its process (processes/referral.bpmn).
SENT, RECEIVED, IN_PROGRESS, ANSWERED, DECLINED, NO_ANSWER = (
    "sent",
    "received",
    "in_progress",
    "answered",
    "declined",
    "no_answer",
)
QUESTION = "question"  # the agency asked back; the case manager replies
OPEN_STATUSES = (SENT, RECEIVED, IN_PROGRESS, QUESTION)


class Referral(Base):
    """A referral to an agency, addressed to its staff: one per referral process
    (engine/referrals, ``instance_id``), or from an older lifecycle's single referral task (``task_id``).

    ``status``, ``due_on`` (the day the reminder falls due while no answer came) and the answer are
    projected from the referral's process after each step (engine/referrals/projection.py).
    """

    __tablename__ = "referrals"
    __table_args__ = (
        Index("ix_referrals_agency", "tenant_id", "agency", "referred_on"),
        Index("ix_referrals_case", "case_id"),
        Index("ix_referrals_status", "tenant_id", "status", "due_on"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    agency: Mapped[str] = mapped_column(String(40))
    referred_on: Mapped[date] = mapped_column(Date)
    task_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    referred_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), unique=True)
    member_ids: Mapped[list | None] = mapped_column(JSON)  # household members the referral is for
    need: Mapped[str | None] = mapped_column(String(40))  # life area (vocabulary assessment.needs.life_area)
    reason: Mapped[str | None] = mapped_column(EncryptedText)
    status: Mapped[str] = mapped_column(String(20), default=SENT)
    due_on: Mapped[date | None] = mapped_column(Date)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer_text: Mapped[str | None] = mapped_column(EncryptedText)
    # The agency's questions and the case manager's replies (JSON list, encrypted), the check result an
    # answer carries (vocabulary referral.check_result), the reason of a decline (referral.decline_reason)
    # and when the reminder first fell due without an answer (engine/referrals/projection.py).
    dialogue: Mapped[str | None] = mapped_column(EncryptedText)
    check_result: Mapped[str | None] = mapped_column(String(40))
    decline_reason: Mapped[str | None] = mapped_column(String(40))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
