"""Fälle: search and list, open a new case, the case page, and the follow-ups due."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from engine.cases import read, reopen
from engine.cases import service as cases
from engine.errors import InvalidInput, KimError, NotFound
from engine.followups import read as followups
from engine.households import duplicates

from ..context import current_user, db, fail, restart
from ..schemas import ClientSchema
from . import case_page
from .strings import DE
from .strings_members import HH

bp = Blueprint("casepages", __name__)
PER_PAGE = 25


def _not_found():
    return render_template("error.html", message=DE["not_found"]), 404


def _refused(exc: KimError):
    fail()
    return render_template("error.html", message=exc.detail), exc.status


@bp.get("/cases", endpoint="cases")
def cases_list():
    """Search and list the user's cases (pseudonymised for county roles), page by page."""
    user = current_user()
    q = (request.args.get("q") or "").strip()[:200] or None
    asked = request.args.get("page", "1")
    page = max(1, min(int(asked), 100000)) if asked.isdigit() else 1
    try:
        found = read.case_list(db(), user=user, q=q, page=page, per_page=PER_PAGE)
    except KimError as exc:
        return _refused(exc)
    out = render_template(
        "cases.html",
        page=found,
        q=q or "",
        pages=max(1, -(-found.total // PER_PAGE)),
        personal=found.personal,
        can_create=user.role == "case_manager",
    )
    return out


def _places():
    return read.new_case_places(db(), user=current_user())


def _engine_errors(exc: KimError) -> dict[str, str]:
    """The engine's refusal next to its fields ("client.given_name" -> given_name), else above the form."""
    fields = {k.removeprefix("client."): v[0] for k, v in getattr(exc, "errors", {}).items() if v}
    return fields or {"_form": exc.detail}


def _client_errors(messages: dict, raw: dict) -> dict[str, str]:
    """ClientSchema's messages as one German sentence per form field."""
    out = {}
    for field in messages:
        if field == "birth_date":
            out[field] = DE["bad_date"]
        elif not raw.get(field):
            out[field] = DE["required"]
        else:
            out[field] = DE["too_long"]
    return out


@bp.route("/cases/new", methods=["GET", "POST"])
def new_case():
    """Neuen Fall anlegen: the client's core data; errors shown next to their fields."""
    user = current_user()
    if user.role != "case_manager":
        return render_template("error.html", message=DE["cm_only_create"]), 403
    places, form, errors = _places(), request.form, {}
    if request.method == "POST":
        raw: dict[str, object] = {
            k: form.get(k, "").strip() for k in ("given_name", "family_name", "birth_date", "nationality")
        }
        raw = {k: v for k, v in raw.items() if v or k in ("given_name", "family_name")}
        langs = [s.strip() for s in form.get("languages", "").split(",") if s.strip()]
        if langs:
            raw["languages"] = langs
        try:
            client = ClientSchema().load(raw)
        except ValidationError as exc:
            errors = _client_errors(exc.messages_dict, raw)
        place = form.get("municipality", "")
        if place not in {p.key for p in places}:
            errors["municipality"] = DE["bad_place"]
        if not errors and form.get("_dup_checked") != "1":
            found = duplicates.check(
                db(),
                user=user,
                given_name=client["given_name"],
                family_name=client["family_name"],
                birth_date=client.get("birth_date"),
            )
            if found.matches or found.elsewhere:
                out = render_template(
                    "case_new.html", places=places, form=form, errors={}, duplicates=found, hh=HH
                )
                return out
        if not errors:
            try:
                case = cases.open_case(db(), user=user, municipality=place, client=client)
            except KimError as exc:
                fail()
                errors = _engine_errors(exc)
            else:
                return redirect(url_for("casepages.case", case_id=case.id), 303)
    out = render_template("case_new.html", places=places, form=form, errors=errors, hh=HH)
    return out, 422 if errors else 200


@bp.get("/cases/<int:case_id>")
def case(case_id):
    """Der Fall: Verlauf, offene Aufgaben, Einwilligungen, Verweisungen, Ziele, Nachverfolgung."""
    return case_page.render(case_id)


@bp.post("/cases/<int:case_id>/reopen")
def reopen_case(case_id):
    """Fall wieder öffnen: the reason first, then the confirmation; only the confirmed form reopens."""
    session, user = db(), current_user()
    reason = (request.form.get("reason") or "").strip()
    if reason and request.form.get("_confirm") == "1":
        try:
            reopen.reopen_case(session, user=user, case_id=case_id, reason=reason)
        except InvalidInput as exc:
            restart()
            return _case_page(case_id, reason=reason, error=exc.detail)
        except NotFound:
            fail()
            return _not_found()
        except KimError as exc:
            return _refused(exc)
        flash(DE["reopened"], "ok")
        return redirect(url_for("casepages.case", case_id=case_id), 303)
    return _case_page(case_id, reason=reason, error=None if reason else DE["reopen_no_reason"])


def _case_page(case_id: int, *, reason: str, error: str | None):
    """The case page again, with the reason entered and either its error or the confirmation."""
    try:
        page = case_page.read_page(case_id)
    except KimError as exc:
        return case_page.refused(exc)
    if not page.can_reopen:
        period_over = page.reopen is None or not page.reopen.open_now
        key = "reopen_refused_period" if period_over else "reopen_refused_cm"
        return render_template("error.html", message=DE[key]), 409 if period_over else 403
    return case_page.render(
        case_id, page=page, reopen_reason=reason, reopen_error=error, reopen_confirm=error is None
    )


@bp.get("/followups", endpoint="followups")
def followups_page():
    """Nachverfolgung: UmA follow-ups due in the next 30 days and every overdue one."""
    user = current_user()
    try:
        due = followups.overview(db(), user=user, within_days=30)
    except KimError as exc:
        return _refused(exc)
    out = render_template("followups.html", items=due.items)
    return out
