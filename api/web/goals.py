"""Ziele on the case page: add a goal, drop one (its reason first, then the confirmation)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine.errors import InvalidInput, KimError
from engine.goals import service

from ..context import current_user, db, fail, restart
from . import case_page
from .strings import DE

bp = Blueprint("goalpages", __name__)


def _page(case_id: int, status: int, **extra):
    """The case page again with what was typed and its errors (or the confirmation)."""
    return case_page.render(case_id, status, **extra)


def _refused(exc: KimError):
    fail()
    return render_template("error.html", message=exc.detail), exc.status


@bp.post("/cases/<int:case_id>/goals")
def add_goal(case_id):
    """Ziel ergänzen: text, life area, target date and the members it concerns."""
    form = request.form
    text, life_area, day = (form.get(k, "").strip() for k in ("text", "life_area", "target_date"))
    chosen = form.getlist("member_ids")
    typed = {"text": text, "life_area": life_area, "target_date": day, "member_ids": chosen}
    errors: dict[str, str] = {}
    target = None
    if day:
        try:
            target = date.fromisoformat(day)
        except ValueError:
            errors["target_date"] = DE["goal_bad_date"]
    members = [int(m) for m in chosen if m.isdigit()]
    if not errors:
        try:
            service.add_goal(
                db(),
                user=current_user(),
                case_id=case_id,
                text=text,
                life_area=life_area,
                target_date=target,
                member_ids=members or None,
            )
        except InvalidInput as exc:
            restart()
            errors = {k: v[0] for k, v in exc.errors.items() if v} or {"text": exc.detail}
        except KimError as exc:
            return _refused(exc)
        else:
            flash(DE["goal_added"], "ok")
            return redirect(url_for("casepages.case", case_id=case_id) + "#goals", 303)
    return _page(case_id, 422, goal_errors=errors, goal_form=typed)


@bp.post("/cases/<int:case_id>/goals/<int:goal_id>/drop")
def drop_goal(case_id, goal_id):
    """Ziel aufgeben: the reason first, then the confirmation; only the confirmed form drops the goal."""
    reason = (request.form.get("reason") or "").strip()
    if reason and request.form.get("_confirm") == "1":
        try:
            service.drop_goal(db(), user=current_user(), case_id=case_id, goal_id=goal_id, reason=reason)
        except InvalidInput as exc:
            restart()
            return _page(case_id, 422, goal_drop={"id": goal_id, "reason": reason, "error": exc.detail})
        except KimError as exc:
            return _refused(exc)
        flash(DE["goal_dropped"], "ok")
        return redirect(url_for("casepages.case", case_id=case_id) + "#goals", 303)
    if not reason:
        return _page(case_id, 422, goal_drop={"id": goal_id, "reason": "", "error": DE["goal_no_reason"]})
    return _page(case_id, 200, goal_drop={"id": goal_id, "reason": reason, "confirm": True})
