"""Haushalt on the case page: add a member (after the duplicate check), change one, let one leave
(after a confirmation). Errors are shown next to their fields on the case page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from engine.consents import register
from engine.errors import InvalidInput, KimError, NotFound
from engine.households import duplicates, members

from ..context import current_user, db, fail, restart
from ..schemas_members import MemberChangeSchema, MemberCreateSchema
from ..schemas_privacy import ReleaseCreateSchema
from . import case_page
from .strings import DE
from .strings_members import HH

bp = Blueprint("memberpages", __name__)
FIELDS = (
    "given_name",
    "family_name",
    "birth_date",
    "relationship",
    "residence_status",
    "residence_valid_until",
)
DATES = ("birth_date", "residence_valid_until")


def _raw(form, *, first: bool) -> dict:
    raw: dict[str, object] = {k: (form.get(k) or "").strip() for k in FIELDS}
    raw["languages"] = [s.strip() for s in (form.get("languages") or "").split(",") if s.strip()]
    for key in (*DATES, "residence_status"):
        if not raw[key]:
            raw[key] = None
    if first:
        raw.pop("relationship")
    return raw


def _schema_errors(messages: dict, raw: dict) -> dict[str, str]:
    out = {}
    for field in messages:
        if field in DATES:
            out[field] = HH["bad_date"]
        elif not raw.get(field):
            out[field] = HH["required"]
        else:
            out[field] = DE["too_long"] if field.endswith("name") else messages[field][0]
    return out


def _engine_errors(exc: KimError) -> dict[str, str]:
    fields = {k: v[0] for k, v in getattr(exc, "errors", {}).items() if v}
    return fields or {"_form": exc.detail}


def _page(case_id: int, status: int = 200, **extra):
    """The case page again with the household form's state (errors, confirmation, duplicates)."""
    return case_page.render(case_id, status, **extra)


def _done(case_id: int, member_id: int | None = None):
    flash(HH["saved"], "ok")
    anchor = f"member-{member_id}" if member_id else "household"
    return redirect(url_for("casepages.case", case_id=case_id, _anchor=anchor), 303)


@bp.post("/cases/<int:case_id>/members")
def add(case_id):
    """Add a person: first the duplicate check (matches shown with links), then "Trotzdem hinzufügen"."""
    user, form = current_user(), request.form
    raw = _raw(form, first=False)
    shown = {**raw, "languages": form.get("languages", "")}
    try:
        values = MemberCreateSchema().load({k: v for k, v in raw.items() if v is not None or k in DATES})
    except ValidationError as exc:
        return _page(
            case_id,
            422,
            member_open="new",
            member_errors=_schema_errors(exc.messages_dict, raw),
            new_member=shown,
        )
    try:
        if form.get("_dup_checked") != "1":
            found = duplicates.check(
                db(),
                user=user,
                given_name=values["given_name"],
                family_name=values["family_name"],
                birth_date=values.get("birth_date"),
                exclude_case_id=case_id,
            )
            if found.matches or found.elsewhere:
                return _page(case_id, member_open="new", new_member=shown, duplicates=found, member_errors={})
        member = members.add_member(db(), user=user, case_id=case_id, values=values)
    except InvalidInput as exc:
        restart()
        return _page(case_id, 422, member_open="new", member_errors=_engine_errors(exc), new_member=shown)
    except NotFound:
        fail()
        return render_template("error.html", message=DE["not_found"]), 404
    except KimError as exc:
        fail()
        return render_template("error.html", message=exc.detail), exc.status
    return _done(case_id, member.id)


@bp.post("/cases/<int:case_id>/members/<int:member_id>")
def change(case_id, member_id):
    """Save changes of a member (every changed field goes into the member's history)."""
    user, form = current_user(), request.form
    first = form.get("relationship") is None
    raw = _raw(form, first=first)
    try:
        values = MemberChangeSchema().load(raw)
    except ValidationError as exc:
        return _page(
            case_id, 422, member_open=member_id, member_errors=_schema_errors(exc.messages_dict, raw)
        )
    try:
        members.change_member(db(), user=user, case_id=case_id, member_id=member_id, values=values)
    except InvalidInput as exc:
        restart()
        return _page(case_id, 422, member_open=member_id, member_errors=_engine_errors(exc))
    except NotFound:
        fail()
        return render_template("error.html", message=DE["not_found"]), 404
    except KimError as exc:
        fail()
        return render_template("error.html", message=exc.detail), exc.status
    return _done(case_id, member_id)


@bp.post("/cases/<int:case_id>/members/<int:member_id>/leave")
def leave(case_id, member_id):
    """A member leaves: the reason first, then the confirmation; only the confirmed form saves."""
    reason = (request.form.get("reason") or "").strip()
    if not reason:
        return _page(case_id, 422, member_open=member_id, leave_error=HH["required"], leave_reason="")
    if request.form.get("_confirm") != "1":
        return _page(case_id, member_open=member_id, leave_confirm=member_id, leave_reason=reason)
    try:
        members.leave(db(), user=current_user(), case_id=case_id, member_id=member_id, reason=reason)
    except InvalidInput as exc:
        restart()
        return _page(case_id, 422, member_open=member_id, leave_error=exc.detail, leave_reason=reason)
    except NotFound:
        fail()
        return render_template("error.html", message=DE["not_found"]), 404
    except KimError as exc:
        fail()
        return render_template("error.html", message=exc.detail), exc.status
    return _done(case_id)


@bp.post("/cases/<int:case_id>/releases")
def release(case_id):
    """A further release from confidentiality towards one agency for the members ticked (a minor's given
    by the guardian): the same engine rule as ``POST /api/v1/cases/{id}/consents``."""
    form = request.form
    raw = {
        "agency": form.get("agency") or None,
        "given_on": form.get("given_on") or None,
        "member_ids": [int(v) for v in form.getlist("member_ids") if v.isdigit()] or None,
    }
    shown = {**raw, "member_ids": raw["member_ids"] or []}
    if None in raw.values():
        return _page(case_id, 422, release_error=HH["release_incomplete"], release_values=shown)
    try:
        values = ReleaseCreateSchema().load(raw)
    except ValidationError:
        return _page(case_id, 422, release_error=HH["release_incomplete"], release_values=shown)
    try:
        register.add_release(db(), user=current_user(), case_id=case_id, **values)
    except NotFound:
        fail()
        return render_template("error.html", message=DE["not_found"]), 404
    except KimError as exc:
        restart()  # nothing of the attempt stays; the page is read afresh
        return _page(case_id, exc.status, release_error=exc.detail, release_values=shown)
    flash(HH["release_saved"], "ok")
    return redirect(url_for("casepages.case", case_id=case_id, _anchor="h-consents"), 303)
