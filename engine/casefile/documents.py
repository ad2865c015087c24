"""Documents of a case or a member: upload with the type checked from the content, audited download.

The type is what the bytes are (``filetype`` reads their magic numbers), never what the name or the
browser says: the name's extension must be an allowed type and the content must be that type, so an
executable renamed to ``.pdf`` is refused and nothing is saved. Content, title and file name are
encrypted at rest in the database (one backup holds everything, no files beside it).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import filetype
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import can_read_cases, sees_personal_data
from ..audit.service import case_event, record
from ..cases.service import get_case
from ..clock import utcnow
from ..db import begin_write
from ..errors import Forbidden, InvalidInput, NotFound
from .access import case_to_write, member_of
from .models import Document

MAX_BYTES = 10 * 1024 * 1024  # one document; the upload request may be this plus MAX_FIELDS_BYTES
MAX_FIELDS_BYTES = 64 * 1024  # the title and member beside the file, and the multipart framing
MAX_TITLE = 200
MAX_NAME = 120

PDF = "application/pdf"
PNG, JPEG = "image/png", "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT, ODS = "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet"
# extension -> (media type, "the content is not ..." in German)
ALLOWED: dict[str, tuple[str, str]] = {
    "pdf": (PDF, "keine PDF-Datei"),
    "png": (PNG, "kein PNG-Bild"),
    "jpg": (JPEG, "kein JPEG-Bild"),
    "jpeg": (JPEG, "kein JPEG-Bild"),
    "docx": (DOCX, "keine Word-Datei (DOCX)"),
    "xlsx": (XLSX, "keine Excel-Datei (XLSX)"),
    "odt": (ODT, "kein Textdokument (ODT)"),
    "ods": (ODS, "kein Tabellendokument (ODS)"),
}
EXTENSION = {PDF: "pdf", PNG: "png", JPEG: "jpg", DOCX: "docx", XLSX: "xlsx", ODT: "odt", ODS: "ods"}
TYPES_DE = "PDF, PNG, JPEG, DOCX, XLSX, ODT oder ODS"
NO_DOCUMENT = "Dieses Dokument gibt es nicht oder Sie haben keinen Zugriff darauf."


def _file_error(message: str) -> InvalidInput:
    return InvalidInput(message, errors={"file": [message]})


def safe_name(name: str | None) -> tuple[str, str]:
    """The file name without any folder, control or path characters (stem, lower-case extension)."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name  # "C:\\x\\a.pdf" and "../a.pdf" alike
    base = unicodedata.normalize("NFC", base)
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = re.sub(r"[^\w.\- ]+", "_", stem).strip(" ._") or "Dokument"
    return stem[: MAX_NAME - 6], ext.lower()


def checked_type(name: str | None, content: bytes) -> tuple[str, str]:
    """The media type of ``content`` and the stored file name, or a German 422 on ``file``.

    The name's extension says what the file claims to be; the content must be exactly that.
    """
    stem, ext = safe_name(name)
    if ext not in ALLOWED:
        raise _file_error(f"Nur {TYPES_DE}-Dateien können hochgeladen werden.")
    claimed, is_not = ALLOWED[ext]
    found = filetype.guess(content)
    if found is None or found.mime != claimed:
        raise _file_error(
            f"Der Inhalt ist {is_not}, obwohl der Name auf .{ext} endet; die Datei wurde nicht gespeichert."
        )
    return claimed, f"{stem}.{EXTENSION[claimed]}"


def upload(
    session: Session,
    *,
    user: Actor,
    case_id: int,
    title: str | None,
    file_name: str | None,
    content: bytes | None,
    member_id: int | None = None,
) -> Document:
    """Attach a document to the case (or one member); German 422 naming the field, nothing saved."""
    case = case_to_write(session, user=user, case_id=case_id)
    title = (title or "").strip()
    if not title:
        raise InvalidInput("Bitte einen Titel angeben.", errors={"title": ["Bitte einen Titel angeben."]})
    if len(title) > MAX_TITLE:
        raise InvalidInput("Der Titel ist zu lang.", errors={"title": [f"Höchstens {MAX_TITLE} Zeichen."]})
    if not content:
        raise _file_error("Bitte eine Datei wählen (die Datei ist leer oder fehlt).")
    if len(content) > MAX_BYTES:
        raise _file_error(f"Die Datei ist größer als {MAX_BYTES // (1024 * 1024)} MB.")
    media_type, stored_name = checked_type(file_name, content)
    doc = Document(
        case_id=case.id,
        tenant_id=case.tenant_id,
        member_id=member_of(session, case, member_id),
        title=title,
        file_name=stored_name,
        media_type=media_type,
        size=len(content),
        content=content,
        uploaded_by_id=user.id,
        uploaded_at=utcnow(),
    )
    session.add(doc)
    session.flush()
    record(
        session,
        user,
        case_event("document.create", case, detail={"document_id": doc.id, "media_type": media_type}),
    )
    return doc


@dataclass(frozen=True)
class Download:
    """What a download answers with."""

    file_name: str
    media_type: str
    content: bytes


def download(session: Session, *, user: Actor, case_id: int, document_id: int) -> Download:
    """A document's bytes for its case managers (the reading is recorded); 403 for pseudonymised roles."""
    can_read_cases(user)
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    if not sees_personal_data(user):
        raise Forbidden("Dokumente lesen nur die zuständigen Case-Manager:innen.")
    doc = session.scalar(select(Document).where(Document.id == document_id, Document.case_id == case.id))
    if doc is None:
        raise NotFound(NO_DOCUMENT)
    record(session, user, case_event("document.read", case, detail={"document_id": doc.id}))
    return Download(doc.file_name, doc.media_type, doc.content)
