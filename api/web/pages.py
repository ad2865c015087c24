"""Meine Aufgaben: the case manager's ready tasks, claimed, given back or handed over; a start page for
others."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine.errors import KimError
from engine.state.access import is_state_user
from engine.tasks import assign
from engine.tasks.inbox import SORTS, VIEWS
from engine.tasks.read import web_inbox

from ..context import current_user, db, fail
from .strings import DE, nav_for
from .strings_inbox import IN

bp = Blueprint("web", __name__)
PER_PAGE = 100


ASKED = ("view", "sort", "process", "municipality")


@bp.get("/")
def home():
    """Case managers: ready tasks in scope of the chosen view (remembered per user), with counts, filters,
    sorting and a search; everyone else: links to their areas."""
    session, user = db(), current_user()
    if is_state_user(user):  # the state level has no tasks: its start page is the state's view
        return redirect(url_for("state_pages.overview"))
    if user.role != "case_manager":
        return render_template("home.html", tasks=None, areas=nav_for(user.role)[1:])
    asked = request.args.get("page", "1")
    number = max(1, min(int(asked), 100000)) if asked.isdigit() else 1
    choice = {k: request.args.get(k, "")[:100] for k in ASKED if k in request.args}
    q = request.args.get("q", "")[:100]
    page = web_inbox(session, user=user, asked=choice, q=q, page=number, per_page=PER_PAGE)
    out = render_template(
        "home.html",
        tasks=page.rows,
        total=page.total,
        page=page,
        pages=max(1, -(-page.total // PER_PAGE)),
        first=(page.page - 1) * PER_PAGE + 1,
        colleagues=page.colleagues,
        inbox=page,
        views=VIEWS,
        sorts=SORTS,
        it=IN,
    )
    return out


def _change(action, message_key: str, **kwargs):
    try:
        action(db(), user=current_user(), **kwargs)
    except KimError as exc:
        fail()  # nothing of the refused change is saved; the message survives in the cookie
        flash(exc.detail, "error")
        return redirect(url_for("web.home"), 303)
    flash(DE[message_key], "info")
    return redirect(url_for("web.home"), 303)


@bp.post("/tasks/<task_id>/claim")
def claim(task_id):
    """Übernehmen."""
    return _change(assign.claim, "claimed", task_id=task_id)


@bp.post("/tasks/<task_id>/unclaim")
def unclaim(task_id):
    """Zurückgeben."""
    return _change(assign.unclaim, "unclaimed", task_id=task_id)


@bp.post("/tasks/<task_id>/assign")
def hand_over(task_id):
    """Übergeben an eine Kollegin oder einen Kollegen im selben Team."""
    return _change(assign.assign, "handed_over", task_id=task_id, username=request.form.get("username", ""))
