"""The task form page: a task's JSON Schema form rendered server-side, drafts, completion.

Decisions (engine/processes/decisions.py) are choices with no default. A submission whose decision
closes or ends something is answered, valid but unsaved, with the same form and the consequence to
confirm; only the confirming button (``_confirm`` = the decision and its value) completes the task,
and only for the value it confirmed. Forms with a decision have a disabled default button, so Enter
in a text field submits nothing (HTML implicit submission) and nothing needs JavaScript.

Taking a task over from the colleague who holds it goes through a confirmation page first, so no
script is needed either.
"""

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

from engine.errors import InvalidInput, KimError, ProcessFailure, ProcessModelError
from engine.processes import decisions
from engine.tasks import assign, drafts, read
from engine.tasks.service import check_task_data, complete_task

from ..context import current_user, db, fail, keep_after_rollback, restart
from .formrender import attach_errors, build_fields, parse_form
from .strings import DE

bp = Blueprint("task_pages", __name__)

ACTIONS = {"complete", "draft", "add"}


@bp.get("/tasks/<task_id>")
def task_page(task_id: str):
    """Aufgabe: das Formular, mit dem zuletzt gespeicherten Entwurf."""
    try:
        page = read.task_page(db(), user=current_user(), task_id=task_id)
    except KimError as exc:
        return _error(exc)
    # A draft never preselects a decision (drafts made before decisions were kept out, too).
    out = _render(page, decisions.without_decisions(page.schema, page.draft.data) if page.draft else None)
    return out


@bp.post("/tasks/<task_id>")
def task_submit(task_id: str):
    """Erledigen, als Entwurf speichern oder eine Zeile hinzufügen."""
    session, user = db(), current_user()
    action = request.form.get("_action", "complete")
    if action not in ACTIONS:
        action = "complete"
    try:
        page = read.task_form_page(session, user=user, task_id=task_id)
    except KimError as exc:
        return _error(exc)
    schema = page.schema
    data = parse_form(schema, request.form) if schema else {}
    if action == "add":
        return _render(page, data)
    case_id = page.case_id
    ask = decisions.confirmation(schema, data) if action == "complete" else None
    try:
        if ask is not None and request.form.get("_confirm") != ask.key:
            check_task_data(session, user=user, task_id=task_id, data=data)
            return _render(page, data, confirm=ask)  # valid, nothing saved: ask first
        if action == "draft":
            drafts.save_draft(session, user=user, task_id=task_id, data=data)
        else:
            complete_task(session, user=user, task_id=task_id, data=data)
    except KimError as exc:
        return _refused(exc, user, task_id, data)
    if action == "draft":
        flash(DE["draft_saved"], "ok")
        return redirect(url_for("task_pages.task_page", task_id=task_id), 303)
    flash(DE["task_done"].format(name=page.task.name), "ok")
    return redirect(_case_url(case_id), 303)


def _refused(exc: KimError, user, task_id: str, data: dict):
    """A refused submission: invalid input (422) or a task a colleague holds (409) shows the form again
    with what was typed; anything else the error page. Nothing of the attempt is saved."""
    if isinstance(exc, ProcessModelError) and exc.aftermath is not None:
        keep_after_rollback(exc.aftermath)  # undo the attempt; keep the entries as a draft, the incident
    if (
        isinstance(exc, InvalidInput | ProcessFailure | ProcessModelError)
        or exc.kind == "task-claimed-by-other"
    ):
        session = restart()  # undo the attempt, then read the task afresh to show it again
        page = read.task_form_page(session, user=user, task_id=task_id)
        errors = exc.errors if isinstance(exc, InvalidInput) else None
        return _render(page, data, errors=errors or {}, message=exc.detail), exc.status
    fail()
    return _error(exc)


@bp.get("/tasks/<task_id>/take-over")
def take_over_confirm(task_id: str):
    """Aufgabe übernehmen? The confirmation, naming who holds the task now."""
    try:
        page = read.task_form_page(db(), user=current_user(), task_id=task_id)
    except KimError as exc:
        return _error(exc)
    if not (page.open and page.held_by_other):
        return redirect(url_for("task_pages.task_page", task_id=task_id), 303)
    return render_template("task_take_over.html", task=page.task, holder=page.holder)


@bp.post("/tasks/<task_id>/take-over")
def take_over(task_id: str):
    """Übernehmen bestätigt: the task is the user's now; the case history says so."""
    try:
        assign.take_over(db(), user=current_user(), task_id=task_id)
    except KimError as exc:
        fail()
        return _error(exc)
    flash(DE["taken_over"], "ok")
    return redirect(url_for("task_pages.task_page", task_id=task_id), 303)


def _case_url(case_id: int | None) -> str:
    """The case page once it exists (the web app's case view), else the start page."""
    if case_id is not None and any(r.rule.startswith("/cases/<") for r in current_app.url_map.iter_rules()):
        return f"/cases/{case_id}"
    return url_for("web.home")


def _render(
    page: read.TaskPage,
    values: dict | None,
    *,
    errors: dict | None = None,
    message: str | None = None,
    confirm: decisions.Confirmation | None = None,
):
    fields = build_fields(page.schema, values, use_defaults=values is None) if page.schema else []
    summary = attach_errors(fields, errors or {})
    guarded = bool(decisions.decision_keys(page.schema)) or bool((page.schema or {}).get("x-confirm"))
    return render_template(
        "task.html",
        task=page.task,
        schema=page.schema,
        fields=fields,
        summary=summary,
        message=message,
        confirm=confirm,
        guarded=guarded,
        draft=page.draft,
        pseudonym=page.pseudonym,
        case_number=page.case_number,
        client_name=page.client_name,
        holder=page.holder,
        held_by_other=page.held_by_other,
        open=page.open,
        case_url=_case_url(page.case_id),
        notices=get_flashed_messages(),
    )


def _error(exc: KimError):
    return render_template("error.html", message=exc.detail), exc.status
