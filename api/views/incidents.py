"""Timers that failed repeatedly: visible to admins, who can put them back in the queue."""

from flask_smorest import Blueprint

from engine.timers import admin

from ..context import current_user, db
from ..schemas import IncidentSchema

blp = Blueprint(
    "incidents", __name__, url_prefix="/api/v1/incidents", description="Störungen der Zeitsteuerung"
)


@blp.route("", methods=["GET"])
@blp.response(200, IncidentSchema(many=True))
def list_incidents():
    """Timers whose instance failed on every retry (admins only)."""
    return admin.incidents(db(), user=current_user())


@blp.route("/<int:timer_id>/retry", methods=["POST"])
@blp.response(200, IncidentSchema)
def retry(timer_id):
    """Queue the timer again, due now, with fresh attempts (admins only)."""
    row = admin.retry_incident(db(), user=current_user(), timer_id=timer_id)
    return row
