"""The case page rendered whole: every section read, plus one form's state (errors, confirmation,
values typed). Every page that shows a case again after a form (household, referral, goal, case
actions, reopening) renders it here, so no section is ever missing after an error."""

from __future__ import annotations

from flask import render_template

from engine.cases import read as case_read
from engine.errors import KimError, NotFound
from engine.households import read as household_read
from engine.referrals import read as referral_read
from engine.vocabulary import labels

from ..context import current_user, db, fail
from .strings import DE
from .strings_members import HH


def household_section(case_id: int) -> dict:
    """What the case page's household section needs (the reading is recorded)."""
    return {
        "household": household_read.household(db(), user=current_user(), case_id=case_id),
        "hh": HH,
        "relationships": labels("household.relationship"),
        "statuses": labels("residence.status"),
        "agencies": labels("consent.agency"),
    }


def read_page(case_id: int):
    """The case page's read model; an engine refusal is raised (NotFound, KimError)."""
    return case_read.case_page(db(), user=current_user(), case_id=case_id)


def refused(exc: KimError):
    """What the user may not see or do: the error page (404 for a missing or foreign case)."""
    fail()
    if isinstance(exc, NotFound):
        return render_template("error.html", message=DE["not_found"]), 404
    return render_template("error.html", message=exc.detail), exc.status


def render(case_id: int, status: int = 200, *, page=None, **extra):
    """The whole case page with ``extra`` (one form's state); ``page`` when already read."""
    if page is None:
        try:
            page = read_page(case_id)
        except KimError as exc:
            return refused(exc)
    user = current_user()
    out = render_template(
        "case.html",
        page=page,
        case=page.case,
        personal=page.personal,
        referral_section=referral_read.case_referrals(db(), user=user, case_id=case_id),
        **household_section(case_id),
        **extra,
    )
    return out, status
