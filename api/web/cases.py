"""Fälle: search and list, open a new case, the case page, and the follow-ups due."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from marshmallow import ValidationError
from sqlalchemy import select

from engine.access.models import User
from engine.access.service import sees_personal_data
from engine.cases import service as cases
from engine.consents import register
from engine.consents.models import Referral
from engine.errors import KimError, NotFound
from engine.followups import service as followups
from engine.followups.models import FollowUp
from engine.org.models import Municipality

from ..context import current_user, db, fail
from ..schemas import ClientSchema
from . import strings
from .strings import DE

bp = Blueprint("casepages", __name__)
PER_PAGE = 25
GOAL_TASKS, PROGRESS_TASKS = {"goal_agreement"}, {"evaluation", "final_evaluation"}


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
    page = request.args.get("page", "1")
    page = max(1, min(int(page), 100000)) if page.isdigit() else 1
    try:
        found = cases.list_cases(db(), user=user, q=q, page=page, per_page=PER_PAGE)
    except KimError as exc:
        return _refused(exc)
    out = render_template("cases.html", page=found, q=q or "", pages=max(1, -(-found.total // PER_PAGE)),
                          personal=sees_personal_data(user), can_create=user.role == "case_manager")
    return out



def _places():
    user = current_user()
    cond = [Municipality.tenant_id == user.tenant_id, Municipality.has_case_management.is_(True)]
    if user.team_id is None:
        cond.append(Municipality.id == user.municipality_id)
    return list(db().scalars(select(Municipality).where(*cond).order_by(Municipality.name)))


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
        raw = {k: form.get(k, "").strip() for k in ("given_name", "family_name", "birth_date", "nationality")}
        raw = {k: v for k, v in raw.items() if v or k in ("given_name", "family_name")}
        langs = [s.strip() for s in form.get("languages", "").split(",") if s.strip()]
        if langs:
            raw["languages"] = langs
        try:
            client = ClientSchema().load(raw)
        except ValidationError as exc:
            errors = _client_errors(exc.messages, raw)
        place = form.get("municipality", "")
        if place not in {p.key for p in places}:
            errors["municipality"] = DE["bad_place"]
        if not errors:
            try:
                case = cases.open_case(db(), user=user, municipality=place, client=client)
            except KimError as exc:
                fail()
                errors["_form"] = exc.detail
            else:
                return redirect(url_for("casepages.case", case_id=case.id), 303)
    return render_template("case_new.html", places=places, form=form, errors=errors), 422 if errors else 200


def _timeline(session, case, personal: bool) -> list[dict]:
    entries = cases.history(session, case.id, per_page=200).items
    names = {u.id: u.display_name for u in session.scalars(select(User).where(
        User.id.in_({e.user_id for e in entries if e.user_id})))}
    return [{"at": e.at, "name": e.name or e.bpmn_id or e.kind, "state": strings.HISTORY_STATES.get(e.state, e.state),
             "who": names.get(e.user_id, DE["system"]), "data": e.data if personal else None,
             "bpmn_id": e.bpmn_id} for e in entries if e.name or e.bpmn_id]


def _goals(timeline: list[dict]) -> list[dict]:
    """The goals of the latest goal agreement with the latest status each evaluation gave them."""
    goals: dict[str, dict] = {}
    for item in timeline:
        data = item["data"] or {}
        if item["bpmn_id"] in GOAL_TASKS:
            goals = {g.get("goal"): {"goal": g.get("goal"), "target_date": g.get("target_date"), "status": None}
                     for g in data.get("goals", []) if isinstance(g, dict)}
        elif item["bpmn_id"] in PROGRESS_TASKS:
            for p in data.get("progress", []) or []:
                if isinstance(p, dict) and p.get("goal") in goals:
                    goals[p["goal"]]["status"] = strings.PROGRESS.get(p.get("status"), p.get("status"))
    return list(goals.values())


@bp.get("/cases/<int:case_id>")
def case(case_id):
    """Der Fall: Verlauf, offene Aufgaben, Einwilligungen, Verweisungen, Ziele, Nachverfolgung."""
    session, user = db(), current_user()
    try:
        found = cases.read_case(session, user=user, case_id=case_id)
        consents = register.read(session, user=user, case_id=case_id)
    except NotFound:
        fail()
        return _not_found()
    except KimError as exc:
        return _refused(exc)
    personal = sees_personal_data(user)
    timeline = _timeline(session, found, personal)
    referrals = session.scalars(select(Referral).where(Referral.case_id == found.id)
                                .order_by(Referral.referred_on)).all()
    follow = session.scalars(select(FollowUp).where(FollowUp.case_id == found.id).order_by(FollowUp.id)).all()
    out = render_template("case.html", case=found, personal=personal, timeline=timeline,
                          open_tasks=cases.open_tasks(session, found.id), consents=consents, referrals=referrals,
                          goals=_goals(timeline) if personal else [], followups=follow,
                          agencies=strings.AGENCIES, kinds=strings.KINDS, outcomes=strings.OUTCOMES,
                          followup_status=strings.FOLLOWUP_STATUS)
    return out


@bp.get("/followups", endpoint="followups")
def followups_page():
    """Nachverfolgung: UmA follow-ups due in the next 30 days and every overdue one."""
    user = current_user()
    try:
        due = followups.overview(db(), user=user, within_days=30)
    except KimError as exc:
        return _refused(exc)
    out = render_template("followups.html", items=due, personal=sees_personal_data(user),
                          states=strings.FOLLOWUP_STATES)
    return out

