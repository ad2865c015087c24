"""Sitzungen: the meetings of every body (upcoming and past), planning one, its agenda from the open topics
in an order changed with up/down buttons, the minutes with attendance and the decisions that move the
topics, and the agenda and minutes as PDF.

Everything goes through the engine services the API uses (escalations.meetings: create_meeting,
assemble_agenda, move_item, record_minutes). The minutes are one form: per agenda item a decision with
its step's form (the same fields as on the topic page) or a deferral. When a decision closes a topic
(``x-confirm`` in its form), the minutes are recorded and rolled back again to check them, and the
consequences are shown to confirm; only the confirming button saves them.
"""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from engine.clock import utcnow
from engine.documents.pdf import PDF_MEDIA_TYPE, render_pdf
from engine.errors import InvalidInput, KimError, NotFound, ProcessFailure
from engine.escalations import meeting_read
from engine.escalations import meetings as service
from engine.processes import decisions as confirmations

from ..context import current_user, db, fail, restart, settings
from .formrender import Field, attach_errors, build_fields, parse_form
from .strings_meetings import MT

bp = Blueprint("meeting_pages", __name__)
DEFER, DECIDE = "defer", "decide"


def _error(exc: KimError):
    fail()
    message = MT["meeting_not_found"] if isinstance(exc, NotFound) else exc.detail
    return render_template("error.html", message=message), exc.status


def _id(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 10 else None


def _meetings_page(form: dict, errors: dict[str, str], status: int = 200):
    body_id = _id(request.args.get("body"))
    page = meeting_read.meetings_page(db(), user=current_user(), body_id=body_id)
    return render_template("meetings.html", page=page, form=form, errors=errors, mt=MT), status


@bp.get("/meetings")
def meetings():
    """Geplante und vergangene Sitzungen, aller Gremien oder eines."""
    try:
        return _meetings_page({}, {})
    except KimError as exc:
        return _error(exc)


@bp.post("/meetings")
def plan():
    """Sitzung planen (koordinierende Stellen): Gremium, Datum, Ort."""
    form = {k: request.form.get(k, "").strip() for k in ("body_id", "meets_on", "location")}
    errors = {}
    body_id = _id(form["body_id"])
    if body_id is None:
        errors["body_id"] = MT["bad_body"]
    try:
        meets_on = date.fromisoformat(form["meets_on"])
    except ValueError:
        errors["meets_on"] = MT["bad_date"]
    if len(form["location"]) > 200:
        errors["location"] = MT["too_long"]
    try:
        if errors:
            return _meetings_page(form, errors, 422)
        assert body_id is not None
        meeting = service.create_meeting(
            db(), user=current_user(), body_id=body_id, meets_on=meets_on, location=form["location"] or None
        )
    except NotFound:
        restart()
        return _meetings_page(form, {"body_id": MT["bad_body"]}, 422)
    except KimError as exc:
        return _error(exc)
    flash(MT["planned"], "ok")
    return redirect(url_for("meeting_pages.meeting", meeting_id=meeting.id), 303)


@bp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id: int):
    """Eine Sitzung: Tagesordnung, Anwesenheit, Beschlüsse."""
    try:
        view = meeting_read.meeting_page(db(), user=current_user(), meeting_id=meeting_id)
    except KimError as exc:
        return _error(exc)
    return render_template("meeting.html", m=view, mt=MT)


@bp.post("/meetings/<int:meeting_id>/agenda")
def assemble(meeting_id: int):
    """Tagesordnung aus den offenen Themen zusammenstellen (erneut: neu wartende ergänzen)."""
    try:
        service.assemble_agenda(db(), user=current_user(), meeting_id=meeting_id)
    except KimError as exc:
        return _error(exc)
    flash(MT["agenda_assembled"], "ok")
    return redirect(url_for("meeting_pages.meeting", meeting_id=meeting_id) + "#h-agenda", 303)


@bp.post("/meetings/<int:meeting_id>/agenda/<int:topic_id>/<any(up, down):direction>")
def move(meeting_id: int, topic_id: int, direction: str):
    """Einen Tagesordnungspunkt nach oben oder unten schieben."""
    try:
        service.move_item(
            db(), user=current_user(), meeting_id=meeting_id, topic_id=topic_id, up=direction == "up"
        )
    except KimError as exc:
        return _error(exc)
    flash(MT["moved"], "ok")
    return redirect(url_for("meeting_pages.meeting", meeting_id=meeting_id) + "#h-agenda", 303)


def _item_fields(view: dict, values: dict[int, dict]) -> list[list[Field]]:
    out: list[list[Field]] = []
    for n, item in enumerate(view["items"]):
        if item["schema"] is None:
            out.append([])
            continue
        shown = values.get(n, {item["date_field"]: view["meets_on"].isoformat()})
        out.append(build_fields(item["schema"], shown, prefix=f"items.{n}.data."))
    return out


def _minutes_page(
    meeting_id: int,
    *,
    posted=None,
    values: dict[int, dict] | None = None,
    errors: dict | None = None,
    message: str | None = None,
    confirm: list[tuple[dict, confirmations.Confirmation]] | None = None,
    confirm_key: str = "",
    status: int = 200,
):
    view = meeting_read.minutes_form(db(), user=current_user(), meeting_id=meeting_id)
    fields = _item_fields(view, values or {})
    summary = attach_errors([f for group in fields for f in group], errors or {})
    out = render_template(
        "meeting_minutes.html",
        m=view,
        fields=fields,
        posted=posted,
        summary=summary,
        message=message,
        confirm=confirm,
        confirm_key=confirm_key,
        mt=MT,
    )
    return out, status


@bp.get("/meetings/<int:meeting_id>/minutes")
def minutes_form(meeting_id: int):
    """Protokoll erfassen: je Tagesordnungspunkt Beschluss oder Vertagung, Anwesenheit, Bemerkungen."""
    try:
        view = meeting_read.minutes_form(db(), user=current_user(), meeting_id=meeting_id)
        if not view["may_record"]:
            return render_template("error.html", message=MT["minutes_forbidden"]), 403
        return _minutes_page(meeting_id)
    except KimError as exc:
        return _error(exc)


def _entries(view: dict, form) -> tuple[list[dict], dict[int, int], dict[int, dict], list]:
    """The minutes' items as record_minutes takes them, which form item each is, the values typed per
    item, and the consequences to confirm."""
    entries: list[dict] = []
    where: dict[int, int] = {}
    values: dict[int, dict] = {}
    asks: list[tuple[dict, confirmations.Confirmation]] = []
    for n, item in enumerate(view["items"]):
        if item["schema"] is None:
            continue
        where[len(entries)] = n
        if form.get(f"items.{n}.treat") == DEFER:
            reason = form.get(f"items.{n}.reason", "").strip()
            entries.append({"topic_id": item["topic_id"], "deferred": True, "reason": reason or None})
            continue
        data = parse_form(item["schema"], form, f"items.{n}.data.")
        values[n] = data
        entries.append({"topic_id": item["topic_id"], "data": data})
        ask = confirmations.confirmation(item["schema"], data)
        if ask is not None:
            asks.append((item, ask))
    return entries, where, values, asks


@bp.post("/meetings/<int:meeting_id>/minutes")
def record(meeting_id: int):
    """Protokoll speichern: die Beschlüsse bewegen die Themen weiter, der Rest wird vertagt."""
    session, user = db(), current_user()
    try:
        view = meeting_read.minutes_form(session, user=user, meeting_id=meeting_id)
    except KimError as exc:
        return _error(exc)
    entries, where, values, asks = _entries(view, request.form)
    key = "|".join(f"{item['topic_id']}:{ask.key}" for item, ask in asks)
    attendance = {"present": request.form.getlist("present"), "guests": request.form.get("guests", "")}
    try:
        service.record_minutes(
            session,
            user=user,
            meeting_id=meeting_id,
            items=entries,
            note=request.form.get("note", "").strip() or None,
            reminder_default=settings().escalation_reminder,
            attendance=attendance,
        )
        if asks and request.form.get("_confirm") != key:
            restart()  # checked by recording them; nothing is kept until confirmed
            return _minutes_page(
                meeting_id, posted=request.form, values=values, confirm=asks, confirm_key=key
            )
    except (InvalidInput, ProcessFailure) as exc:
        restart()
        errors = {}
        for path, messages in (exc.errors if isinstance(exc, InvalidInput) else {}).items():
            match = re.fullmatch(r"items\.(\d+)\.(.*)", path)
            shown = path
            if match and int(match.group(1)) in where:
                shown = f"items.{where[int(match.group(1))]}.{match.group(2)}"
            errors[shown] = messages
        return _minutes_page(
            meeting_id,
            posted=request.form,
            values=values,
            errors=errors,
            message=exc.detail,
            status=exc.status,
        )
    except KimError as exc:
        return _error(exc)
    flash(MT["minutes_saved"], "ok")
    return redirect(url_for("meeting_pages.meeting", meeting_id=meeting_id), 303)


def _pdf(meeting_id: int, kind: str):
    try:
        view = meeting_read.meeting_page(db(), user=current_user(), meeting_id=meeting_id)
    except KimError as exc:
        return _error(exc)
    if kind == "minutes" and view["status"] != service.HELD:
        return render_template("error.html", message=MT["no_minutes_pdf"]), 409
    html = render_template("meeting_print.html", m=view, kind=kind, mt=MT, generated=utcnow())
    name = re.sub(r"[^A-Za-z0-9]+", "-", view["body"]).strip("-") or "Gremium"
    title = MT["pdf_minutes_title" if kind == "minutes" else "pdf_agenda_title"]
    return Response(
        render_pdf(html),
        mimetype=PDF_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{title}-{name}-{view["meets_on"].isoformat()}.pdf"'
        },
    )


@bp.get("/meetings/<int:meeting_id>/agenda.pdf")
def agenda_pdf(meeting_id: int):
    """Die Tagesordnung zum Drucken (PDF, A4)."""
    return _pdf(meeting_id, "agenda")


@bp.get("/meetings/<int:meeting_id>/minutes.pdf")
def minutes_pdf(meeting_id: int):
    """Das Protokoll zum Drucken (PDF, A4)."""
    return _pdf(meeting_id, "minutes")
