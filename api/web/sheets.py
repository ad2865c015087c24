"""Client sheets in the browser: a case's bilingual PDFs (linked from the consent step), and the page
where coordinators and process owners manage the tenant's translation catalogues."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine.errors import InvalidInput, KimError, NotFound
from engine.sheets import read, uploads
from engine.sheets import service as sheets
from engine.sheets.catalogues import MAX_BYTES

from ..context import current_user, db, fail, restart, settings
from ..views.sheets import agencies_of, pdf_answer
from .strings import DE
from .strings_sheets import SH

bp = Blueprint("sheet_pages", __name__)


@bp.app_context_processor
def _texts():
    return {"sh": SH}


@bp.app_template_global("sheet_languages")
def sheet_languages(case_id: int) -> list[tuple[str, str]]:
    """The languages the consent step offers "Bogen drucken" in (none for whoever may not print)."""
    try:
        return read.sheet_languages(db(), user=current_user(), case_id=case_id)
    except KimError:
        return []


def _refused(exc: KimError):
    fail()
    message = DE["not_found"] if isinstance(exc, NotFound) else exc.detail
    return render_template("error.html", message=message), exc.status


@bp.get("/cases/<int:case_id>/boegen/<document>.pdf")
def case_sheet(case_id, document):
    """Ein Bogen des Falls, zweisprachig (the print is recorded)."""
    try:
        sheet = sheets.case_sheet(
            db(),
            user=current_user(),
            case_id=case_id,
            document=document,
            language=request.args.get("lang"),
            default_retention_days=settings().retention_days,
            agencies=agencies_of(request.args.get("agencies")),
        )
    except KimError as exc:
        return _refused(exc)
    return pdf_answer(sheet)


def _page(status: int = 200, error: str | None = None, chosen: str | None = None):
    try:
        rows = read.catalogue_list(db(), user=current_user())
    except KimError as exc:
        return _refused(exc)
    return render_template("sheet_catalogues.html", rows=rows, error=error, chosen=chosen), status


@bp.get("/boegen/kataloge")
def catalogues():
    """Übersetzungen der Bögen: Stand je Sprache, hochladen, zurücksetzen."""
    return _page()


@bp.post("/boegen/kataloge")
def upload():
    """Einen Katalog hochladen; a refused file is named with its message id, nothing stored."""
    language = request.form.get("language", "")
    file = request.files.get("file")
    try:
        uploads.upload(
            db(), user=current_user(), language=language, raw=file.read(MAX_BYTES + 1) if file else None
        )
    except InvalidInput as exc:
        restart()
        messages = [m for v in exc.errors.values() for m in v] or [exc.detail]
        return _page(422, error=messages[0], chosen=language)
    except KimError as exc:
        return _refused(exc)
    flash(SH["uploaded"], "ok")
    return redirect(url_for("sheet_pages.catalogues"), 303)


@bp.post("/boegen/kataloge/<language>/reset")
def reset(language):
    """Zurück zum mitgelieferten Katalog."""
    try:
        uploads.reset(db(), user=current_user(), language=language)
    except KimError as exc:
        return _refused(exc)
    flash(SH["was_reset"], "ok")
    return redirect(url_for("sheet_pages.catalogues"), 303)
