"""Prüfungen der Behörden on the case page: each check's result per path, and "Als Ziel übernehmen" for
each missing criterion of a finished check (one action: a goal with the criterion's text and life area)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine.checks import agency_read, read, service
from engine.errors import KimError

from ..context import current_user, db, fail
from .strings_checks import CK

bp = Blueprint("checkpages", __name__)


def _day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@bp.app_template_global("checks_section")
def checks_section(case_id: int) -> dict:
    """The section's checks (the reading is recorded) and its texts, for templates/_case_checks.html."""
    return {"items": read.case_checks(db(), user=current_user(), case_id=case_id), "ck": CK, "day": _day}


@bp.post("/cases/<int:case_id>/checks/<int:check_id>/goals")
def goal_from_criterion(case_id, check_id):
    """Als Ziel übernehmen: the missing criterion becomes a goal of the case."""
    try:
        service.goal_from_criterion(
            db(), user=current_user(), check_id=check_id, criterion=request.form.get("criterion", "")
        )
    except KimError as exc:
        fail()
        return render_template("error.html", message=exc.detail), exc.status
    flash(CK["goal_added"], "ok")
    return redirect(url_for("casepages.case", case_id=case_id) + "#goals", 303)


@bp.app_template_global("agency_checks_section")
def agency_checks_section(referral_id: int) -> dict:
    """The referral's checks for the addressed authority's page (templates/_agency_checks.html)."""
    return {"data": agency_read.referral_checks(db(), user=current_user(), referral_id=referral_id), "ck": CK}


@bp.post("/agency/referrals/<int:referral_id>/checks")
def start_check(referral_id):
    """Prüfung beginnen: a Bleiberechts- or Einbürgerungsprüfung on the referral (the authority's staff)."""
    try:
        service.start_check(
            db(), user=current_user(), referral_id=referral_id, kind=request.form.get("kind", "")
        )
    except KimError as exc:
        fail()
        return render_template("error.html", message=exc.detail), exc.status
    flash(CK["check_started"], "ok")
    return redirect(url_for("agencypages.referral", referral_id=referral_id) + "#checks", 303)
