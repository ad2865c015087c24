"""The case file: notes, documents (multipart upload, audited download) and the completed forms."""

from __future__ import annotations

from dataclasses import asdict
from io import BytesIO

from flask import request, send_file
from flask_smorest import Blueprint

from engine.casefile import documents, notes, read
from engine.errors import InvalidInput

from ..context import current_user, db
from ..schemas_casefile import (
    UPLOAD_BODY,
    CompletedFormListSchema,
    DocumentListSchema,
    DocumentSchema,
    NoteCreateSchema,
    NoteListSchema,
    NoteSchema,
)

blp = Blueprint("casefile", __name__, url_prefix="/api/v1/cases", description="Fallakte")
DOWNLOAD = {
    200: {
        "description": "the document (Content-Disposition: attachment with its stored file name)",
        "content": {
            media: {"schema": {"type": "string", "format": "binary"}} for media in documents.EXTENSION
        },
    }
}


@blp.route("/<int:case_id>/notes", methods=["GET"])
@blp.response(200, NoteListSchema)
def list_notes(case_id):
    """The case's notes (Aktenvermerke), newest first; pseudonymised roles get no text."""
    return {"items": read.notes(db(), user=current_user(), case_id=case_id)}


@blp.route("/<int:case_id>/notes", methods=["POST"])
@blp.arguments(NoteCreateSchema)
@blp.response(201, NoteSchema)
def add_note(args, case_id):
    """Record a note: a call, visit, meeting, letter or e-mail of a day (not in the future)."""
    user = current_user()
    note = notes.add_note(db(), user=user, case_id=case_id, **args)
    (view,) = [n for n in read.notes(db(), user=user, case_id=case_id) if n.id == note.id]
    return view


@blp.route("/<int:case_id>/documents", methods=["GET"])
@blp.response(200, DocumentListSchema)
def list_documents(case_id):
    """The case's documents, newest first; pseudonymised roles get no title or file name."""
    return {"items": read.documents(db(), user=current_user(), case_id=case_id)}


def member_id_from(raw: str | None) -> int | None:
    """A posted member id (a form field), None when none was chosen; a German 422 on ``member_id``."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 10:
        raise InvalidInput("Bitte eine Person des Haushalts wählen.", errors={"member_id": ["Keine Person."]})
    return int(raw)


@blp.route("/<int:case_id>/documents", methods=["POST"])
@blp.doc(requestBody=UPLOAD_BODY)
@blp.response(201, DocumentSchema)
def upload_document(case_id):
    """Upload a document of the case or a member (multipart: file, title, member_id)."""
    user = current_user()
    upload = request.files.get("file")
    doc = documents.upload(
        db(),
        user=user,
        case_id=case_id,
        title=request.form.get("title"),
        file_name=upload.filename if upload else None,
        content=upload.read(documents.MAX_BYTES + 1) if upload else None,
        member_id=member_id_from(request.form.get("member_id")),
    )
    (view,) = [d for d in read.documents(db(), user=user, case_id=case_id) if d.id == doc.id]
    return view


@blp.route("/<int:case_id>/documents/<int:document_id>/download", methods=["GET"])
@blp.doc(responses=DOWNLOAD)
def download_document(case_id, document_id):
    """The document's bytes as an attachment with its stored file name (the reading is recorded)."""
    found = documents.download(db(), user=current_user(), case_id=case_id, document_id=document_id)
    return attachment(found)


def attachment(found: documents.Download):
    """The document as a download: attachment, its stored (sanitised) name, never cached."""
    out = send_file(
        BytesIO(found.content),
        mimetype=found.media_type,
        as_attachment=True,
        download_name=found.file_name,
    )
    out.headers["Cache-Control"] = "no-store"
    return out


@blp.route("/<int:case_id>/forms", methods=["GET"])
@blp.response(200, CompletedFormListSchema)
def completed_forms(case_id):
    """Every completed form of the case with who and when; pseudonymised roles get no values."""
    return {"items": [asdict(f) for f in read.completed_forms(db(), user=current_user(), case_id=case_id)]}
