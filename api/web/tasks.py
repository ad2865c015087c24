"""The task form page: a task's JSON Schema form rendered server-side, drafts, completion."""
from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    url_for,
)

from engine.cases.models import Case
from engine.errors import InvalidInput, KimError, ProcessFailure
from engine.tasks import drafts
from engine.tasks.models import READY
from engine.tasks.service import complete_task, get_task, read_task, task_form

from ..context import current_user, db, fail, restart
from .formrender import attach_errors, build_fields, parse_form
from .strings import DE

bp = Blueprint("task_pages", __name__)

ACTIONS = {"complete", "draft", "add"}


@bp.get("/tasks/<task_id>")
def task_page(task_id: str):
    """Aufgabe: das Formular, mit dem zuletzt gespeicherten Entwurf."""
    session, user = db(), current_user()
    try:
        row, _ = read_task(session, user=user, task_id=task_id)
    except KimError as exc:
        return _error(exc)
    schema = task_form(session, row)
    draft = drafts.get_draft(session, row.id) if row.status == READY else None
    out = _render(row, schema, draft.data if draft else None, draft=draft)
    return out


@bp.post("/tasks/<task_id>")
def task_submit(task_id: str):
    """Erledigen, als Entwurf speichern oder eine Zeile hinzufügen."""
    session, user = db(), current_user()
    action = request.form.get("_action", "complete")
    if action not in ACTIONS:
        action = "complete"
    try:
        row = get_task(session, user=user, task_id=task_id)
    except KimError as exc:
        return _error(exc)
    schema = task_form(session, row)
    data = parse_form(schema, request.form) if schema else {}
    if action == "add":
        return _render(row, schema, data)
    case_id = row.case_id
    try:
        if action == "draft":
            drafts.save_draft(session, user=user, task_id=task_id, data=data)
        else:
            complete_task(session, user=user, task_id=task_id, data=data)
    except (InvalidInput, ProcessFailure) as exc:
        session = restart()  # undo the attempt, then read the task afresh to show it again
        row = get_task(session, user=user, task_id=task_id)
        errors = exc.errors if isinstance(exc, InvalidInput) else None
        return _render(row, schema, data, errors=errors or {}, message=exc.detail), 422
    except KimError as exc:
        fail()
        return _error(exc)
    if action == "draft":
        flash(DE["draft_saved"], "ok")
        return redirect(url_for("task_pages.task_page", task_id=task_id), 303)
    flash(DE["task_done"].format(name=row.name), "ok")
    return redirect(_case_url(case_id), 303)


def _case_url(case_id: int | None) -> str:
    """The case page once it exists (the web app's case view), else the start page."""
    if case_id is not None and any(r.rule.startswith("/cases/<") for r in current_app.url_map.iter_rules()):
        return f"/cases/{case_id}"
    return url_for("web.home")


def _render(row, schema: dict | None, values: dict | None, *, draft=None, errors: dict | None = None,
            message: str | None = None):
    fields = build_fields(schema, values, use_defaults=values is None) if schema else []
    summary = attach_errors(fields, errors or {})
    case = db().get(Case, row.case_id) if row.case_id else None
    return render_template("task.html", task=row, schema=schema, fields=fields, summary=summary,
                           message=message, draft=draft, case=case, open=row.status == READY,
                           case_url=_case_url(row.case_id), notices=get_flashed_messages())


def _error(exc: KimError):
    return render_template("error.html", message=exc.detail), exc.status
