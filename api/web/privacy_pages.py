"""The data-protection officer's pages: the audit trail (filters, pages, the chain's verification), the
Art. 15 access letter (PDF) with the JSON beside it, legal holds, and what retention removes next.

Every page calls the same engine services as the API (engine/audit, engine/retention); the services
refuse every role but the data-protection officer (403). Lists show case numbers and pseudonyms, never
client names; the names appear only in the letter handed to the person.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from engine.audit import letter as letters
from engine.audit import service as audit
from engine.audit.status import trail_status
from engine.audit.verify import entries
from engine.clock import BERLIN
from engine.documents.pdf import PDF_MEDIA_TYPE, render_pdf
from engine.errors import InvalidInput, KimError, NotFound
from engine.retention import preview
from engine.retention.service import set_legal_hold

from ..context import current_user, db, fail, restart, settings
from .strings_dpo import DP, LETTER_CATEGORIES

bp = Blueprint("privacy_pages", __name__)
PER_PAGE = 50
LIMITS = {"who": 80, "case": 40, "action": 40}


def _refused(exc: KimError):
    fail()
    return render_template("error.html", message=exc.detail), exc.status


def parse_day(text: str) -> date | None:
    """A day typed as YYYY-MM-DD (date input) or TT.MM.JJJJ; None if it is neither."""
    text = text.strip()
    try:
        if "." in text:
            d, m, y = text.split(".")
            return date(int(y), int(m), int(d))
        return date.fromisoformat(text)
    except ValueError:
        return None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), BERLIN)


def _filters(args) -> tuple[dict, dict, dict[str, str]]:  # noqa: PLR0912 - one check per filter, top down
    """The typed filters (as shown again), the search's arguments, and the errors by field."""
    shown = {k: (args.get(k) or "").strip() for k in ("who", "case", "action", "since", "until")}
    query: dict = {}
    errors: dict[str, str] = {}
    for key, limit in LIMITS.items():
        if len(shown[key]) > limit:
            errors[key] = DP["too_long"]
    days: dict[str, date | None] = {}
    for key in ("since", "until"):
        if shown[key]:
            days[key] = parse_day(shown[key])
            if days[key] is None:
                errors[key] = DP["bad_date"]
    since, until = days.get("since"), days.get("until")
    if since is not None and until is not None and until < since:
        errors["until"] = DP["bad_period"]
    if shown["case"] and "case" not in errors:
        try:
            query["case_id"] = preview.find_case(db(), user=current_user(), key=shown["case"])
        except NotFound:
            errors["case"] = DP["no_case"]
    if errors:
        return shown, query, errors
    if shown["who"]:
        query["username"] = shown["who"]
    if shown["action"]:
        query["action"] = shown["action"]
    if since is not None:
        query["since"] = _midnight(since)
    if until is not None:
        query["until"] = _midnight(until + timedelta(days=1))
    return shown, query, errors


@bp.get("/privacy/audit")
def audit_trail():
    """Protokoll: filtered by who, case (number or pseudonym), action and period; newest first."""
    user = current_user()
    try:
        audit.require_dpo(user)
        shown, query, errors = _filters(request.args)
        asked = request.args.get("page", "1")
        number = max(1, min(int(asked), 100000)) if asked.isdigit() else 1
        items, total = ([], 0)
        if not errors:
            items, total = audit.search(db(), user=user, page=number, per_page=PER_PAGE, **query)
        status = trail_status(db(), user=user, anchor_dir=settings().anchor_dir())
    except KimError as exc:
        return _refused(exc)
    out = render_template(
        "privacy_audit.html",
        dp=DP,
        items=items,
        total=total,
        page=number,
        pages=max(1, -(-total // PER_PAGE)),
        filters=shown,
        errors=errors,
        status=status,
        entries=entries,
    )
    return out, 422 if errors else 200


def _access_form(status: int = 200, **extra):
    return render_template("privacy_access.html", dp=DP, values=extra.pop("values", {}), **extra), status


@bp.get("/privacy/access")
def access():
    """Auskunft (Art. 15): the form to find the person's cases."""
    try:
        audit.require_dpo(current_user())
    except KimError as exc:
        return _refused(exc)
    return _access_form(errors={})


def _access_args(values: dict[str, str]) -> tuple[dict, dict[str, str]]:
    errors: dict[str, str] = {}
    args: dict = {"reason": values["reason"]}
    if len(values["reason"]) < 5:
        errors["reason"] = DP["reason_short"]
    if values["birth_date"]:
        args["birth_date"] = parse_day(values["birth_date"])
        if args["birth_date"] is None:
            errors["birth_date"] = DP["bad_date"]
    for key in ("family_name", "given_name"):
        if len(values[key]) > 200:
            errors[key] = DP["too_long"]
        elif values[key]:
            args[key] = values[key]
    if len(values["case"]) > LIMITS["case"]:
        errors["case"] = DP["too_long"]
    elif not values["case"] and not values["family_name"]:
        errors["case"] = DP["access_need"]
    return args, errors


@bp.post("/privacy/access")
def access_download():  # noqa: PLR0911 - one answer per outcome: refused, each error, PDF or JSON
    """The letter (PDF) or the export (JSON) of one person; the export is recorded in the audit trail."""
    user = current_user()
    keys = ("reason", "case", "family_name", "given_name", "birth_date")
    values = {k: (request.form.get(k) or "").strip() for k in keys}
    fmt = "json" if request.form.get("format") == "json" else "pdf"
    try:
        audit.require_dpo(user)
    except KimError as exc:
        return _refused(exc)
    args, errors = _access_args(values)
    if errors:
        return _access_form(422, errors=errors, values=values)
    try:
        if values["case"]:
            args = {
                "reason": args["reason"],
                "case_id": preview.find_case(db(), user=user, key=values["case"]),
            }
        found = letters.person_letter(
            db(), user=user, default_retention_days=settings().retention_days, **args
        )
    except InvalidInput as exc:
        restart()
        fields = {k: v[0] for k, v in (exc.errors or {}).items() if v}
        return _access_form(422, errors=fields or {"_form": exc.detail}, values=values)
    except NotFound:
        restart()
        return _access_form(404, errors={"_form": DP["access_none"]}, values=values)
    except KimError as exc:
        return _refused(exc)
    name = "auskunft-" + found.cases[0].pseudonym
    if fmt == "json":
        body = json.dumps(found.export, ensure_ascii=False, indent=2, default=str)
        return Response(
            body,
            mimetype="application/json",
            headers={"Content-Disposition": f'attachment; filename="{name}.json"'},
        )
    html = render_template("privacy_letter.html", dp=DP, letter=found, categories=LETTER_CATEGORIES)
    return Response(
        render_pdf(html),
        mimetype=PDF_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
    )


def _holds_page(status: int = 200, **extra):
    try:
        rows = preview.holds(db(), user=current_user())
    except KimError as exc:
        return _refused(exc)
    extra.setdefault("errors", {})
    extra.setdefault("values", {})
    return render_template("privacy_holds.html", dp=DP, holds=rows, **extra), status


@bp.get("/privacy/holds")
def holds():
    """Löschsperren: the cases on legal hold; set one, lift one."""
    return _holds_page()


def _change_hold(case_key: str | int, reason: str, hold: bool, form: str):
    user = current_user()
    values = {"case": str(case_key), "reason": reason, "form": form}
    try:
        audit.require_dpo(user)
        if len(reason) < 5:
            return _holds_page(422, errors={"reason": DP["hold_reason_short"]}, values=values)
        case_id = case_key if isinstance(case_key, int) else preview.find_case(db(), user=user, key=case_key)
        case = set_legal_hold(db(), user=user, case_id=case_id, hold=hold, reason=reason)
    except InvalidInput as exc:
        restart()
        fields = {k: v[0] for k, v in (exc.errors or {}).items() if v}
        return _holds_page(422, errors=fields or {"_form": exc.detail}, values=values)
    except NotFound as exc:
        restart()
        return _holds_page(422, errors={"case": exc.detail}, values=values)
    except KimError as exc:
        if exc.status == 403:
            return _refused(exc)
        restart()
        return _holds_page(exc.status, errors={"_form": exc.detail}, values=values)
    flash(DP["hold_saved" if hold else "hold_lifted"].format(pseudonym=case.pseudonym), "ok")
    return redirect(url_for("privacy_pages.holds"), 303)


@bp.post("/privacy/holds")
def set_hold():
    """Löschsperre setzen: the case by number or pseudonym, with a reason."""
    case_key = (request.form.get("case") or "").strip()
    if not case_key:
        return _holds_page(422, errors={"case": DP["access_need"]}, values={"form": "set"})
    return _change_hold(case_key[:40], (request.form.get("reason") or "").strip()[:500], True, "set")


@bp.post("/privacy/holds/<int:case_id>/lift")
def lift_hold(case_id):
    """Löschsperre aufheben, with a reason."""
    return _change_hold(case_id, (request.form.get("reason") or "").strip()[:500], False, f"lift-{case_id}")


@bp.get("/privacy/retention")
def retention():
    """Löschvorschau: what the retention run anonymises in the next N days (default 30)."""
    asked = (request.args.get("days") or "30").strip()
    if not asked.isdigit() or int(asked) > preview.MAX_DAYS:
        error, days = DP["bad_days"], 30
    else:
        error, days = None, int(asked)
    try:
        found = preview.upcoming(
            db(), user=current_user(), default_days=settings().retention_days, within_days=days
        )
    except KimError as exc:
        return _refused(exc)
    out = render_template("privacy_retention.html", dp=DP, preview=found, asked=asked, error=error)
    return out, 422 if error else 200
