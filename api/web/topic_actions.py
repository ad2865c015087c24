"""The escalation path on the topic pages: raising a topic and deciding the step it waits at.

Both go through the same engine services as the API (escalations.service.raise_topic,
escalations.decisions.decide) and show their German 422s next to the fields. A decision whose form
carries ``x-confirm`` for the chosen value (an outcome that closes the topic) is first checked and
answered with the same form and the consequence to confirm; nothing is saved until the confirming
button (``_confirm`` = the decision and its value) is pressed, as on the task form (api/web/tasks.py).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from engine.clock import today_berlin
from engine.errors import InvalidInput, KimError, NotFound, ProcessFailure
from engine.escalations import decisions, linking, read, service, step_forms
from engine.escalations.steps import CATEGORIES
from engine.processes import decisions as confirmations
from engine.vocabulary import label

from ..context import current_user, db, fail, restart, settings
from ..schemas_escalations import TopicCreateSchema
from .formrender import attach_errors, build_fields, parse_form
from .strings import DE
from .strings_meetings import MT

bp = Blueprint("topic_actions", __name__)
RAISE_FIELDS = ("title", "category", "municipality", "description", "cases")


def render_topic(
    topic_id: int,
    *,
    values: dict | None = None,
    errors: dict | None = None,
    message: str | None = None,
    confirm: confirmations.Confirmation | None = None,
    status: int = 200,
):
    """The topic page with its trail and, for who may decide it, the waiting step's form."""
    session, user = db(), current_user()
    try:
        detail = read.get_topic(session, user=user, topic_id=topic_id)
        step = step_forms.step_form(session, user=user, topic_id=topic_id)
    except NotFound:
        fail()
        return render_template("error.html", message=DE["topic_not_found"]), 404
    except KimError as exc:
        fail()
        return render_template("error.html", message=exc.detail), exc.status
    fields, summary = [], []
    if step is not None and step.refusal is None:
        shown = values if values is not None else {step.date_field: today_berlin().isoformat()}
        fields = build_fields(step.schema, shown)
        summary = attach_errors(fields, errors or {})
    out = render_template(
        "topic.html",
        topic=detail,
        step=step,
        fields=fields,
        summary=summary,
        message=message,
        confirm=confirm,
        mt=MT,
    )
    return out, status


@bp.post("/topics/<int:topic_id>/decide")
def decide(topic_id: int):
    """Den Schritt entscheiden, auf den das Thema wartet (mit Bestätigung, wo er es abschließt)."""
    session, user = db(), current_user()
    try:
        step = step_forms.step_form(session, user=user, topic_id=topic_id)
    except KimError as exc:
        fail()
        return render_template("error.html", message=exc.detail), exc.status
    if step is None or step.step != request.form.get("_step"):
        fail()  # decided meanwhile (another tab, a meeting): show what it waits at now
        flash(MT["step_none"] if step is None else DE["task_closed"], "error")
        return redirect(url_for("topic_pages.topic", topic_id=topic_id), 303)
    data = parse_form(step.schema, request.form)
    ask = confirmations.confirmation(step.schema, data)
    try:
        if ask is not None and request.form.get("_confirm") != ask.key:
            decisions.check_decision(session, user=user, topic_id=topic_id, data=data)
            return render_topic(topic_id, values=data, confirm=ask)
        decisions.decide(
            session, user=user, topic_id=topic_id, data=data, reminder_default=settings().escalation_reminder
        )
    except (InvalidInput, ProcessFailure) as exc:
        restart()  # nothing of the attempt is kept
        errors = exc.errors if isinstance(exc, InvalidInput) else {}
        return render_topic(topic_id, values=data, errors=errors, message=exc.detail, status=exc.status)
    except KimError as exc:
        fail()
        return render_template("error.html", message=exc.detail), exc.status
    flash(MT["step_saved"].format(name=step.name), "ok")
    return redirect(url_for("topic_pages.topic", topic_id=topic_id), 303)


def _raise_page(form: dict, errors: dict[str, str], status: int = 200):
    categories = [(c, label("topic.category", c)) for c in CATEGORIES]
    places = linking.places(db(), user=current_user())
    return render_template(
        "topic_new.html", form=form, errors=errors, categories=categories, places=places, mt=MT
    ), status


@bp.route("/topics/new", methods=["GET", "POST"])
def new_topic():
    """Thema einbringen: Titel, Lebensbereich, Gemeinde, Beschreibung, Fälle per Pseudonym."""
    user = current_user()
    if user.role not in ("case_manager", "coordinator"):
        return render_template("error.html", message=MT["raise_forbidden"]), 403
    if request.method == "GET":
        return _raise_page({"cases": request.args.get("cases", "")}, {})
    form = {k: request.form.get(k, "").strip() for k in RAISE_FIELDS}
    raw = {k: form[k] for k in ("title", "category", "municipality", "description") if form[k]}
    try:
        args = TopicCreateSchema().load(raw)
    except ValidationError as exc:
        messages = exc.messages_dict
        return _raise_page(form, {k: " ".join(v) for k, v in messages.items()}, 422)
    session = db()
    try:
        args["case_ids"] = linking.case_ids(session, user=user, text=form["cases"])
        topic = service.raise_topic(session, user=user, **args)
    except InvalidInput as exc:
        restart()
        errors = {k.removeprefix("case_ids"): " ".join(v) for k, v in exc.errors.items()}
        shown = {("cases" if k in ("", "cases") else k): v for k, v in errors.items()}
        return _raise_page(form, shown or {"_form": exc.detail}, 422)
    except KimError as exc:
        fail()
        return _raise_page(form, {"_form": exc.detail}, exc.status)
    flash(MT["raised"].format(number=topic.number), "ok")
    return redirect(url_for("topic_pages.topic", topic_id=topic.id), 303)
