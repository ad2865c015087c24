"""Case notes (Aktenvermerke) and documents, one row each; their content encrypted at rest."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..crypto import EncryptedBytes, EncryptedText
from ..db import Base, UTCDateTime


class CaseNote(Base):
    """One note on a case: what happened on which day (call, visit, ...), by whom, about whom."""

    __tablename__ = "case_notes"
    __table_args__ = (Index("ix_case_notes_case", "case_id", "noted_on"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("household_members.id"))
    kind: Mapped[str] = mapped_column(String(20))  # vocabulary note.kind
    noted_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str | None] = mapped_column(EncryptedText)  # None once the case's data is deleted
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Document(Base):
    """A file attached to a case or to one member; title, file name and content encrypted."""

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_case", "case_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("household_members.id"))
    title: Mapped[str] = mapped_column(EncryptedText)
    file_name: Mapped[str] = mapped_column(EncryptedText)  # sanitised, with the extension of its content
    media_type: Mapped[str] = mapped_column(String(100))  # as found in the content, not as sent
    size: Mapped[int] = mapped_column(Integer)  # bytes of the plain content
    content: Mapped[bytes] = mapped_column(EncryptedBytes)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
