"""Client sheets: the bilingual PDFs of a case, the tenant's translation catalogues, the signed scan."""

from __future__ import annotations

from dataclasses import asdict
from io import BytesIO

from flask import request, send_file
from flask_smorest import Blueprint

from engine.casefile.documents import MAX_BYTES as MAX_SCAN
from engine.sheets import scans, uploads
from engine.sheets import service as sheets
from engine.sheets.catalogues import MAX_BYTES
from engine.sheets.documents import Sheet

from ..context import current_user, db, settings
from ..schemas_sheets import (
    PDF_RESPONSE,
    UPLOAD_PO,
    UPLOAD_SCAN,
    CatalogueListSchema,
    CatalogueSchema,
    ScanSchema,
    SheetQuerySchema,
)

blp = Blueprint("sheets", __name__, url_prefix="/api/v1", description="Bögen für Klient:innen")
DOCUMENT = "consent|release|information|about"


def pdf_answer(sheet: Sheet, pseudonym_hint: str = ""):
    """The sheet as an inline PDF, never cached."""
    name = f"{sheet.document}-{sheet.language}{pseudonym_hint}.pdf"
    out = send_file(BytesIO(sheet.pdf), mimetype="application/pdf", download_name=name)
    out.headers["Cache-Control"] = "no-store"
    return out


def agencies_of(raw: str | None) -> list[str] | None:
    """The comma-separated agency codes of a release being prepared (None: the case's releases)."""
    codes = [a.strip() for a in (raw or "").split(",") if a.strip()]
    return codes or None


@blp.route(f"/cases/<int:case_id>/sheets/<any({DOCUMENT.replace('|', ', ')}):document>.pdf", methods=["GET"])
@blp.arguments(SheetQuerySchema, location="query")
@blp.doc(responses=PDF_RESPONSE)
def case_sheet(args, case_id, document):
    """A sheet of the case in German and the client's language (case managers of the case; audited)."""
    sheet = sheets.case_sheet(
        db(),
        user=current_user(),
        case_id=case_id,
        document=document,
        language=args["lang"],
        default_retention_days=settings().retention_days,
        agencies=agencies_of(args.get("agencies")),
    )
    return pdf_answer(sheet)


@blp.route("/sheets/catalogues", methods=["GET"])
@blp.response(200, CatalogueListSchema)
def list_catalogues():
    """Every language with the catalogue in use for the tenant (coordinators, process owners)."""
    return {"items": [asdict(r) for r in uploads.overview(db(), user=current_user())]}


@blp.route("/sheets/catalogues/<string:language>", methods=["PUT"])
@blp.doc(requestBody=UPLOAD_PO)
@blp.response(200, CatalogueSchema)
def upload_catalogue(language):
    """Upload the tenant's catalogue for a language (multipart ``file``): checked against the German
    source (unknown message id, missing or extra placeholder: 422 naming the id, nothing stored)."""
    user = current_user()
    upload = request.files.get("file")
    row = uploads.upload(
        db(), user=user, language=language, raw=upload.read(MAX_BYTES + 1) if upload else None
    )
    (view,) = [r for r in uploads.overview(db(), user=user) if r.code == row.language]
    return asdict(view)


@blp.route("/sheets/catalogues/<string:language>", methods=["DELETE"])
@blp.response(204)
def reset_catalogue(language):
    """Back to the shipped catalogue for a language."""
    uploads.reset(db(), user=current_user(), language=language)


@blp.route("/cases/<int:case_id>/consents/<int:consent_id>/scan", methods=["POST"])
@blp.doc(requestBody=UPLOAD_SCAN)
@blp.response(201, ScanSchema)
def attach_scan(case_id, consent_id):
    """The scan of the signed sheet (multipart ``file``): into the case file, linked to the consent."""
    upload = request.files.get("file")
    consent = scans.attach_scan(
        db(),
        user=current_user(),
        case_id=case_id,
        consent_id=consent_id,
        file_name=upload.filename if upload else None,
        content=upload.read(MAX_SCAN + 1) if upload else None,
    )
    return {
        "consent_id": consent.id,
        "scan_document_id": consent.scan_document_id,
        "sheet_language": consent.sheet_language,
        "sheet_version": consent.sheet_version,
        "interpreter_service": consent.interpreter_service,
    }
