"""Die Stellen: agency staff's inbox of the referrals addressed to their agency, one referral's page with
its actions (accept, ask back, answer, decline); the coordinators' overview of referrals per agency with
"Als Thema einbringen".

Each action is one engine call (engine/referrals/actions.py) that reaches the referral's process as a
message; bad input shows the page again with the German message at its field and nothing sent.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine.clock import today_berlin
from engine.errors import InvalidInput, KimError, NotFound
from engine.referrals import actions, inbox, overview
from engine.reports.events import school_year_of

from ..context import current_user, db, fail, restart, settings
from .strings_agencies import AG

bp = Blueprint("agencypages", __name__)
ACTIONS = {  # action -> (engine call with the form, flash text key, form fields)
    "accept": (lambda s, u, i, f: actions.accept(s, user=u, referral_id=i, text=f.get("text")), "accepted"),
    "questions": (lambda s, u, i, f: actions.ask(s, user=u, referral_id=i, text=f.get("text")), "asked"),
    "answer": (
        lambda s, u, i, f: actions.answer(
            s, user=u, referral_id=i, result=f.get("result"), check_result=f.get("check_result") or None
        ),
        "answered",
    ),
    "decline": (
        lambda s, u, i, f: actions.decline(
            s, user=u, referral_id=i, reason=f.get("reason"), text=f.get("text")
        ),
        "declined",
    ),
}


def _refused(exc: KimError):
    fail()
    message = AG["not_found"] if isinstance(exc, NotFound) else exc.detail
    return render_template("error.html", message=message), exc.status


@bp.get("/agency/referrals", endpoint="inbox")
def inbox_page():
    """Verweisungen an meine Stelle: filtered by status or overdue, sorted by due day, sending or status."""
    args = request.args
    sort = args.get("sort", "due") if args.get("sort") in inbox.SORTS else "due"
    status = args.get("status") if args.get("status") in inbox.FILTERS else None
    try:
        found = inbox.agency_inbox(
            db(), user=current_user(), status=status, overdue=args.get("overdue") == "1", sort=sort
        )
    except KimError as exc:
        return _refused(exc)
    return render_template("agency_inbox.html", a=AG, box=found)


def _detail(referral_id: int, form: dict | None = None, errors: dict | None = None, which: str | None = None):
    page = inbox.agency_referral(db(), user=current_user(), referral_id=referral_id)
    out = render_template(
        "agency_referral.html", a=AG, r=page, form=form or {}, errors=errors or {}, which=which
    )
    return out


@bp.get("/agency/referrals/<int:referral_id>", endpoint="referral")
def referral_page(referral_id: int):
    """Eine Verweisung: Person, Grund, Rückfragen mit Antworten, die Antwort und was jetzt möglich ist."""
    try:
        return _detail(referral_id)
    except KimError as exc:
        return _refused(exc)


@bp.post("/agency/referrals/<int:referral_id>/<action>")
def act(referral_id: int, action: str):
    """Annehmen, Rückfrage, Beantworten, Ablehnen: errors at their fields, nothing sent until all is right."""
    if action not in ACTIONS:
        fail()
        return render_template("error.html", message=AG["not_found"]), 404
    call, done = ACTIONS[action]
    form = {k: v.strip() for k, v in request.form.items() if k != "csrf_token"}
    try:
        call(db(), current_user(), referral_id, form)
    except InvalidInput as exc:
        restart()
        errors = {k: v[0] for k, v in exc.errors.items() if v} or {"_form": exc.detail}
        return _detail(referral_id, form, errors, action), 422
    except KimError as exc:
        return _refused(exc)
    flash(AG[done], "ok")
    return redirect(url_for("agencypages.referral", referral_id=referral_id), 303)


@bp.get("/referrals/overview", endpoint="overview")
def overview_page():
    """Verweisungen je Stelle und Schuljahr (koordinierende Stellen, Lenkungsgruppe), ohne Personen."""
    current = school_year_of(today_berlin())
    year = request.args.get("school_year") or current
    try:
        found = overview.referral_overview(
            db(), user=current_user(), school_year=year, min_count=settings().report_min_count
        )
    except KimError as exc:
        return _refused(exc)
    first = int(current[:4])
    years = [f"{y}/{(y + 1) % 100:02d}" for y in range(first, first - 5, -1)]
    return render_template(
        "agency_overview.html",
        a=AG,
        view=asdict(found),
        years=years,
        can_raise=current_user().role in overview.RAISERS,
    )


@bp.post("/referrals/overview/topics")
def raise_topic():
    """Als Thema einbringen: the agency's row with its counts as a structural topic (no personal data)."""
    year = request.form.get("school_year", "")
    try:
        topic = overview.raise_agency_topic(
            db(),
            user=current_user(),
            agency=request.form.get("agency", ""),
            school_year=year,
            min_count=settings().report_min_count,
        )
    except KimError as exc:
        return _refused(exc)
    flash(AG["raised"].format(number=topic.number), "ok")
    return redirect(url_for("topic_pages.topic", topic_id=topic.id), 303)
