"""The case file read in one place: notes, documents and completed forms (API lists and the Akte page).

Each read function checks scope (404 outside it), records the reading in the audit trail and
returns view models. Pseudonymised roles (coordinator, steering, DPO) get the same lists with
every personal field None: a note's date, kind and author, a document's type, size and uploader,
a form's title, author and time; never a note's text, a document's title or file name, a member's
name or a form's values. For them the encrypted columns are not even read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.read import display_names
from ..access.service import sees_personal_data
from ..cases.models import Case
from ..cases.read import SYSTEM, CaseSummary, summary
from ..cases.service import read_case
from ..history_labels import TASK_KINDS, title
from ..households.models import Member
from ..instances.models import HistoryEntry
from ..processes.service import current_form
from ..tasks.models import COMPLETED, TaskRecord
from ..vocabulary import label, labels, refresh
from . import forms as formview
from .models import CaseNote, Document
from .notes import KINDS


@dataclass(frozen=True)
class NoteView:
    id: int
    noted_on: date
    kind: str
    kind_label: str
    author: str
    created_at: datetime
    member_id: int | None
    member: str | None  # the member's name (personal)
    text: str | None  # personal


@dataclass(frozen=True)
class DocumentView:
    id: int
    media_type: str
    size: int
    uploaded_by: str
    uploaded_at: datetime
    member_id: int | None
    member: str | None  # personal
    title: str | None  # personal
    file_name: str | None  # personal


@dataclass(frozen=True)
class FormView:
    task_id: str
    form_key: str
    title: str
    completed_at: datetime
    who: str
    fields: list[formview.FieldValue] | None  # personal


@dataclass(frozen=True)
class MemberChoice:
    id: int
    name: str


@dataclass(frozen=True)
class CaseFile:
    """The Akte page: the case header, notes, documents, completed forms, and what the forms offer."""

    case: CaseSummary
    personal: bool
    notes: list[NoteView]
    documents: list[DocumentView]
    forms: list[FormView]
    members: list[MemberChoice]
    note_kinds: dict[str, str]


def _member_names(session: Session, case_id: int) -> dict[int, str]:
    rows = session.execute(
        select(Member.id, Member.given_name, Member.family_name)
        .where(Member.case_id == case_id)
        .order_by(Member.position)
    )
    return {i: f"{g} {f}" for i, g, f in rows}


def _notes(session: Session, case: Case, personal: bool) -> list[NoteView]:
    cols: list[Any] = [CaseNote.id, CaseNote.noted_on, CaseNote.kind, CaseNote.author_id, CaseNote.created_at]
    cols += [CaseNote.member_id, CaseNote.text] if personal else []
    rows = session.execute(
        select(*cols)
        .where(CaseNote.case_id == case.id)
        .order_by(CaseNote.noted_on.desc(), CaseNote.id.desc())
    ).all()
    names = display_names(session, {r.author_id for r in rows})
    members = _member_names(session, case.id) if personal else {}
    return [
        NoteView(
            id=r.id,
            noted_on=r.noted_on,
            kind=r.kind,
            kind_label=label(KINDS, r.kind),
            author=names.get(r.author_id, SYSTEM),
            created_at=r.created_at,
            member_id=r.member_id if personal else None,
            member=members.get(r.member_id) if personal and r.member_id else None,
            text=r.text if personal else None,
        )
        for r in rows
    ]


def _documents(session: Session, case: Case, personal: bool) -> list[DocumentView]:
    cols: list[Any] = [
        Document.id,
        Document.media_type,
        Document.size,
        Document.uploaded_by_id,
        Document.uploaded_at,
    ]
    cols += [Document.member_id, Document.title, Document.file_name] if personal else []
    rows = session.execute(
        select(*cols).where(Document.case_id == case.id).order_by(Document.id.desc())
    ).all()
    names = display_names(session, {r.uploaded_by_id for r in rows})
    members = _member_names(session, case.id) if personal else {}
    return [
        DocumentView(
            id=r.id,
            media_type=r.media_type,
            size=r.size,
            uploaded_by=names.get(r.uploaded_by_id, SYSTEM),
            uploaded_at=r.uploaded_at,
            member_id=r.member_id if personal else None,
            member=members.get(r.member_id) if personal and r.member_id else None,
            title=r.title if personal else None,
            file_name=r.file_name if personal else None,
        )
        for r in rows
    ]


def _forms(session: Session, case: Case, personal: bool) -> list[FormView]:
    refresh(session)  # labels of form versions deployed since the last reading
    cols: list[Any] = [
        HistoryEntry.id,
        HistoryEntry.task_id,
        HistoryEntry.name,
        HistoryEntry.kind,
        HistoryEntry.state,
    ]
    cols += [HistoryEntry.user_id, TaskRecord.form_key, TaskRecord.completed_at, TaskRecord.completed_by_id]
    cols += [HistoryEntry.data] if personal else []
    rows = session.execute(
        select(*cols)
        .join(TaskRecord, TaskRecord.id == HistoryEntry.task_id)
        .where(
            HistoryEntry.case_id == case.id,
            HistoryEntry.kind.in_(TASK_KINDS),
            HistoryEntry.state == COMPLETED,
            TaskRecord.status == COMPLETED,
            TaskRecord.form_key.is_not(None),
        )
        .order_by(HistoryEntry.id)
    ).all()
    names = display_names(session, {r.completed_by_id or r.user_id for r in rows} - {None})
    schemas: dict[str, dict | None] = {}
    out = []
    for r in rows:
        if personal and r.form_key not in schemas:
            schemas[r.form_key] = current_form(session, r.form_key, tenant_id=case.tenant_id).schema
        who_id = r.completed_by_id or r.user_id
        out.append(
            FormView(
                task_id=r.task_id,
                form_key=r.form_key,
                title=title(r),
                completed_at=r.completed_at,
                who=names.get(who_id, SYSTEM) if who_id else SYSTEM,
                fields=formview.readable(r.form_key, schemas[r.form_key], r.data) if personal else None,
            )
        )
    return out


def notes(session: Session, *, user: Actor, case_id: int) -> list[NoteView]:
    """The case's notes, newest first (the reading is recorded)."""
    case = read_case(session, user=user, case_id=case_id, action="note.list")
    return _notes(session, case, sees_personal_data(user))


def documents(session: Session, *, user: Actor, case_id: int) -> list[DocumentView]:
    """The case's documents, newest first (the reading is recorded; the bytes are read on download)."""
    case = read_case(session, user=user, case_id=case_id, action="document.list")
    return _documents(session, case, sees_personal_data(user))


def completed_forms(session: Session, *, user: Actor, case_id: int) -> list[FormView]:
    """Every completed form of the case, oldest first, with who and when (the reading is recorded)."""
    case = read_case(session, user=user, case_id=case_id, action="form.list")
    return _forms(session, case, sees_personal_data(user))


def case_file(session: Session, *, user: Actor, case_id: int) -> CaseFile:
    """The Akte page (the reading is recorded)."""
    case = read_case(session, user=user, case_id=case_id, action="casefile.read")
    personal = sees_personal_data(user)
    members = [MemberChoice(i, n) for i, n in _current_members(session, case.id).items()] if personal else []
    return CaseFile(
        case=summary(case, personal),
        personal=personal,
        notes=_notes(session, case, personal),
        documents=_documents(session, case, personal),
        forms=_forms(session, case, personal),
        members=members,
        note_kinds=labels(KINDS),
    )


def _current_members(session: Session, case_id: int) -> dict[int, str]:
    rows = session.execute(
        select(Member.id, Member.given_name, Member.family_name)
        .where(Member.case_id == case_id, Member.left_at.is_(None))
        .order_by(Member.position)
    )
    return {i: f"{g} {f}" for i, g, f in rows}
