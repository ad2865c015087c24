"""The process owners' pages: the BPMN modeler and the form editor (they talk to the REST API)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from engine.access.read import display_name
from engine.processes import incidents

from ..context import current_user, db
from .formrender import build_fields
from .strings import DE
from .strings_finish import PREVIEW_LABEL, PREVIEW_NOT_OBJECT, PREVIEW_UNREADABLE

bp = Blueprint("modeler", __name__, url_prefix="/modeler")

OWNER_ROLES = {"process_owner"}
NOT_OWNER = DE["not_owner"]


@bp.before_request
def _owners_only():
    # The login gate (api/app.py) ran first: every request here has a user.
    if current_user().role not in OWNER_ROLES:
        return render_template("error.html", message=NOT_OWNER), 403
    return None


def _display_name() -> str:
    return display_name(db(), current_user())


@bp.get("")
def modeler():
    """The BPMN modeler (bpmn-js with a properties panel), served from the app's own static files, and
    the latest run-time failures of the models (engine/processes/incidents.py)."""
    return render_template(
        "modeler.html",
        display_name=_display_name(),
        incidents=incidents.for_owner(db(), user=current_user())[:20],
    )


@bp.get("/forms")
def forms():
    """The form editor: JSON Schema with live validation and a preview."""
    return render_template("modeler_forms.html", display_name=_display_name())


@bp.post("/forms/preview")
def form_preview():
    """The editor's preview: the draft schema ({"schema": ...}) as the task page renders it, as an HTML
    fragment from the same templates (_form_fields.html), so the preview cannot drift from the form.
    A schema that cannot be shown: 422 with the field named (JSON; the editor's check says more)."""
    body = request.get_json(silent=True)
    schema = body.get("schema") if isinstance(body, dict) else None
    if not isinstance(schema, dict) or not isinstance(schema.get("properties", {}), dict):
        return _unpreviewable(PREVIEW_NOT_OBJECT)
    required = schema.get("required")
    properties: dict = schema.get("properties", {})
    schema = {
        **schema,
        "required": [r for r in required if isinstance(r, str)] if isinstance(required, list) else [],
    }
    fields = []
    for key, spec in properties.items():
        one = {**schema, "properties": {key: spec}}
        try:
            fields += build_fields(one, None, use_defaults=True, root=schema)
        except (AttributeError, TypeError, ValueError, KeyError, RecursionError):  # half-typed or too deep
            return _unpreviewable(PREVIEW_UNREADABLE.format(field=key))
    title = schema.get("title") if isinstance(schema.get("title"), str) else ""
    return render_template(
        "modeler_form_preview.html",
        schema=schema,
        fields=fields,
        label=PREVIEW_LABEL.format(title=title or "Formular"),
    )


def _unpreviewable(message: str):
    return {"detail": message, "errors": {"schema": [message]}}, 422
