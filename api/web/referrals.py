"""Verweisungen on the case page: the section's data, and sending a referral from its form."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine.errors import KimError, NotFound
from engine.referrals import read, service

from ..context import current_user, db, fail, restart
from . import case_page
from .strings import DE

bp = Blueprint("referralpages", __name__)
FIELDS = ("agency", "member_ids", "need", "reason", "referral_date")


def section(case_id: int) -> read.CaseReferrals:
    """The case's referrals and, for its case manager, the choices of the form (the reading is audited)."""
    return read.case_referrals(db(), user=current_user(), case_id=case_id)


def _entered() -> tuple[dict, dict[str, str]]:
    """The form as entered, and a German message per field that cannot even be read."""
    form, errors = request.form, {}
    raw: dict = {
        "agency": form.get("agency", "").strip(),
        "member_ids": form.getlist("member_ids"),
        "need": form.get("need", "").strip(),
        "reason": form.get("reason", "").strip(),
        "referral_date": form.get("referral_date", "").strip(),
    }
    for field in ("agency", "need", "reason"):
        if not raw[field]:
            errors[field] = DE["required"]
    if not raw["member_ids"]:
        errors["member_ids"] = DE["referral_no_member"]
    elif not all(i.isdigit() for i in raw["member_ids"]):
        errors["member_ids"] = DE["referral_bad_member"]
    try:
        date.fromisoformat(raw["referral_date"])
    except ValueError:
        errors["referral_date"] = DE["bad_date"]
    return raw, errors


def _page(case_id: int, raw: dict, errors: dict[str, str]):
    """The case page again with the referral form as entered and its errors next to the fields."""
    restart()
    return case_page.render(case_id, 422, ref_form=raw, ref_errors=errors)


@bp.post("/cases/<int:case_id>/referrals")
def send_referral(case_id):
    """Neue Verweisung senden: errors are shown in the form, nothing is saved until all is right."""
    raw, errors = _entered()
    if errors:
        return _page(case_id, raw, errors)
    try:
        service.send_referral(
            db(),
            user=current_user(),
            case_id=case_id,
            agency=raw["agency"],
            member_ids=[int(i) for i in raw["member_ids"]],
            need=raw["need"],
            reason=raw["reason"],
            referral_date=date.fromisoformat(raw["referral_date"]),
        )
    except NotFound:
        fail()
        return render_template("error.html", message=DE["not_found"]), 404
    except KimError as exc:
        fields = {k: v[0] for k, v in getattr(exc, "errors", {}).items() if k in FIELDS and v}
        if exc.status == 422:
            return _page(case_id, raw, fields or {"_form": exc.detail})
        fail()
        return render_template("error.html", message=exc.detail), exc.status
    flash(DE["referral_sent"], "ok")
    return redirect(url_for("casepages.case", case_id=case_id, _anchor="referrals"), 303)
