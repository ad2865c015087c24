"""The case managers' actions on the case page: withdraw the consent to data processing or one release,
start and end the UmA follow-up, raise a topic from the case (linked by pseudonym).

Each action calls the same engine service as the API. Irreversible steps (withdrawals, ending a
follow-up) are answered first with the case page and a confirmation; only the confirming button
(``_confirm`` = 1) saves. Refusals are shown next to their fields on the case page (422), nothing is
half-saved (the request's unit is rolled back and the page read afresh).
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from engine.cases import actions_read
from engine.cases import service as cases
from engine.consents import register
from engine.errors import InvalidInput, KimError, NotFound
from engine.escalations import service as escalations
from engine.followups import ending
from engine.followups import service as followups
from engine.vocabulary import label

from ..context import current_user, db, fail, restart, settings
from . import case_page
from .strings_dpo import CA

bp = Blueprint("case_actions", __name__)
TOPIC_FIELDS = ("title", "category", "municipality", "description")


def actions(case_id: int) -> actions_read.CaseActions:
    """The action forms' data for the case page's partials (a template global; read once per request)."""
    cache = g.setdefault("kim_case_actions", {})
    if case_id not in cache:
        cache[case_id] = actions_read.case_actions(db(), user=current_user(), case_id=case_id)
    return cache[case_id]


def _page(case_id: int, status: int = 200, **extra):
    """The case page again with one action form's state (errors, confirmation, values typed)."""
    return case_page.render(case_id, status, **extra)


def _refused(case_id: int, exc: KimError, **extra):
    """An engine refusal: 404 page for what the user may not see, else the case page with the message."""
    if isinstance(exc, NotFound):
        fail()
        return render_template("error.html", message=exc.detail), 404
    if exc.status == 403:
        fail()
        return render_template("error.html", message=exc.detail), 403
    restart()  # nothing of the attempt stays; the page is read afresh
    return _page(case_id, exc.status, **extra)


def _done(case_id: int, message: str, anchor: str):
    flash(message, "ok")
    return redirect(url_for("casepages.case", case_id=case_id, _anchor=anchor), 303)


@bp.post("/cases/<int:case_id>/consent-withdrawal")
def withdraw_consent(case_id):
    """Einwilligung widerrufen: first the consequence to confirm; the confirmed form ends the case."""
    days = settings().withdrawal_deletion_days
    if request.form.get("_confirm") != "1":
        return _page(case_id, consent_confirm=True, deletion_days=days)
    try:
        cases.withdraw_consent(db(), user=current_user(), case_id=case_id, deletion_days=days)
    except KimError as exc:
        return _refused(case_id, exc, consent_error=exc.detail, deletion_days=days)
    return _done(case_id, CA["consent_withdrawn"], "h-consents")


@bp.post("/cases/<int:case_id>/consents/<int:consent_id>/withdrawal")
def withdraw_release(case_id, consent_id):
    """Schweigepflichtentbindung widerrufen: confirmation first, then the register's withdrawal."""
    if request.form.get("_confirm") != "1":
        return _page(case_id, release_confirm=consent_id)
    try:
        row = register.withdraw_release(db(), user=current_user(), case_id=case_id, consent_id=consent_id)
    except KimError as exc:
        return _refused(case_id, exc, release_action_error=exc.detail, release_open=consent_id)
    agency = label("consent.agency", row.agency)
    return _done(case_id, CA["release_withdrawn"].format(agency=agency), "h-consents")


@bp.post("/cases/<int:case_id>/followups")
def start_followup(case_id):
    """UmA-Nachverfolgung starten (first task: the coordination talk)."""
    try:
        followups.start_followup(db(), user=current_user(), case_id=case_id)
    except KimError as exc:
        return _refused(case_id, exc, followup_error=exc.detail)
    return _done(case_id, CA["followup_started"], "h-followup")


@bp.post("/cases/<int:case_id>/followups/<int:followup_id>/end")
def end_followup(case_id, followup_id):
    """Nachverfolgung beenden: the reason first, then the confirmation; only the confirmed form stops it."""
    reason = (request.form.get("reason") or "").strip()
    shown = {"followup_open": followup_id, "followup_reason": reason}
    if len(reason) < 3:
        return _page(case_id, 422, followup_reason_error=CA["required"], **shown)
    if len(reason) > ending.MAX_REASON:
        return _page(case_id, 422, followup_reason_error=CA["too_long"], **shown)
    if request.form.get("_confirm") != "1":
        return _page(case_id, followup_confirm=followup_id, **shown)
    try:
        ending.end_followup(
            db(), user=current_user(), case_id=case_id, followup_id=followup_id, reason=reason
        )
    except KimError as exc:
        return _refused(case_id, exc, followup_error=exc.detail, **shown)
    return _done(case_id, CA["followup_ended"], "h-followup")


def _topic_errors(raw: dict[str, str]) -> dict[str, str]:
    out = {}
    for key in TOPIC_FIELDS:
        if not raw[key]:
            out[key] = CA["required"]
    if raw["title"] and len(raw["title"]) < 3:
        out["title"] = CA["title_short"]
    if len(raw["title"]) > 200 or len(raw["description"]) > 4000:
        out.update({k: CA["too_long"] for k, n in (("title", 200), ("description", 4000)) if len(raw[k]) > n})
    return out


@bp.post("/cases/<int:case_id>/topics")
def raise_topic(case_id):
    """Thema einbringen, with this case linked by pseudonym; client data in the texts is refused."""
    raw = {k: (request.form.get(k) or "").strip() for k in TOPIC_FIELDS}
    errors = _topic_errors(raw)
    if errors:
        return _page(case_id, 422, topic_errors=errors, topic_values=raw)
    try:
        topic = escalations.raise_topic(db(), user=current_user(), case_ids=[case_id], **raw)
    except InvalidInput as exc:
        fields = {k.split(".")[0]: v[0] for k, v in (exc.errors or {}).items() if v}
        restart()
        return _page(case_id, 422, topic_errors=fields or {"_form": exc.detail}, topic_values=raw)
    except KimError as exc:
        return _refused(case_id, exc, topic_errors={"_form": exc.detail}, topic_values=raw)
    flash(CA["topic_raised"].format(number=topic.number), "ok")
    return redirect(url_for("topic_pages.topic", topic_id=topic.id), 303)


def init_app(app) -> None:
    """The routes, and the action forms' data and texts for the case page's partials."""
    app.register_blueprint(bp)
    app.add_template_global(actions, "case_actions")
    app.add_template_global(CA, "ca")
