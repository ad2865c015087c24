"""Die Fallakte: a case's notes (with a form to add one), documents (upload, download) and completed forms.

Pseudonymised roles see the page as they see the case page: dates, kinds and who, never a note's
text, a document's title or a form's values (engine/casefile/read.py leaves them out).
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine.casefile import documents, notes, read
from engine.clock import today_berlin
from engine.errors import InvalidInput, KimError, NotFound

from ..context import current_user, db, fail, restart
from ..views.casefile import attachment, member_id_from
from .strings import DE

bp = Blueprint("casefile_pages", __name__)


def _not_found():
    return render_template("error.html", message=DE["not_found"]), 404


def _refused(exc: KimError):
    fail()
    return render_template("error.html", message=exc.detail), exc.status


def _page(case_id: int, *, status: int = 200, errors: dict | None = None, form: dict | None = None):
    try:
        page = read.case_file(db(), user=current_user(), case_id=case_id)
    except NotFound:
        fail()
        return _not_found()
    except KimError as exc:
        return _refused(exc)
    out = render_template(
        "case_file.html",
        page=page,
        case=page.case,
        personal=page.personal,
        errors=errors or {},
        form=form or {},
        today=today_berlin().isoformat(),
    )
    return out, status


@bp.get("/cases/<int:case_id>/akte")
def akte(case_id):
    """Fallakte: Aktenvermerke, Dokumente und erledigte Formulare."""
    return _page(case_id)


def _errors(exc: KimError) -> dict[str, str]:
    found = {k: v[0] for k, v in getattr(exc, "errors", {}).items() if v}
    return found or {"_form": exc.detail}


@bp.post("/cases/<int:case_id>/akte/notes")
def add_note(case_id):
    """Einen Aktenvermerk hinzufügen; errors next to their fields, nothing saved."""
    form = {k: request.form.get(k, "") for k in ("noted_on", "kind", "text", "member_id")}
    try:
        noted_on = date.fromisoformat(form["noted_on"])
    except ValueError:
        return _page(case_id, status=422, errors={"noted_on": DE["bad_date"]}, form=form)
    try:
        notes.add_note(
            db(),
            user=current_user(),
            case_id=case_id,
            noted_on=noted_on,
            kind=form["kind"],
            text=form["text"],
            member_id=member_id_from(form["member_id"]),
        )
    except InvalidInput as exc:
        restart()
        return _page(case_id, status=422, errors=_errors(exc), form=form)
    except NotFound:
        fail()
        return _not_found()
    except KimError as exc:
        return _refused(exc)
    flash(DE["note_added"], "ok")
    return redirect(url_for("casefile_pages.akte", case_id=case_id) + "#notes", 303)


@bp.post("/cases/<int:case_id>/akte/documents", endpoint="upload")
def upload(case_id):
    """Ein Dokument hochladen (Typ aus dem Inhalt geprüft); errors next to their fields, nothing saved."""
    form = {k: request.form.get(k, "") for k in ("title", "member_id")}
    upload = request.files.get("file")
    try:
        documents.upload(
            db(),
            user=current_user(),
            case_id=case_id,
            title=form["title"],
            file_name=upload.filename if upload else None,
            content=upload.read(documents.MAX_BYTES + 1) if upload else None,
            member_id=member_id_from(form["member_id"]),
        )
    except InvalidInput as exc:
        restart()
        return _page(case_id, status=422, errors=_errors(exc), form=form)
    except NotFound:
        fail()
        return _not_found()
    except KimError as exc:
        return _refused(exc)
    flash(DE["document_added"], "ok")
    return redirect(url_for("casefile_pages.akte", case_id=case_id) + "#documents", 303)


@bp.get("/cases/<int:case_id>/akte/documents/<int:document_id>")
def download(case_id, document_id):
    """Ein Dokument herunterladen (the reading is recorded)."""
    try:
        found = documents.download(db(), user=current_user(), case_id=case_id, document_id=document_id)
    except NotFound:
        fail()
        return _not_found()
    except KimError as exc:
        return _refused(exc)
    return attachment(found)
