"""The process owners' pages: the BPMN modeler and the form editor (they talk to the REST API)."""

from __future__ import annotations

from flask import Blueprint, render_template

from engine.access.read import display_name
from engine.processes import incidents

from ..context import current_user, db
from .strings import DE

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
