"""Liveness and database check."""
from flask_smorest import Blueprint
from sqlalchemy import text

from ..context import db
from ..schemas import HealthSchema

blp = Blueprint("health", __name__, url_prefix="/api/v1", description="Betriebszustand")


@blp.route("/health")
@blp.response(200, HealthSchema)
def health():
    """Service and database are up."""
    db().execute(text("SELECT 1"))
    return {"status": "ok", "database": "ok"}
