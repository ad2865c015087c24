"""Liveness (no database) and readiness (database answers, schema at the newest migration, writes get
through)."""

import logging

from flask_smorest import Blueprint
from sqlalchemy.exc import DBAPIError

from engine.migrate import head_revisions
from engine.readiness import database_revisions, writes_blocked

from ..context import db
from ..errors import problem
from ..schemas import HealthSchema, ReadySchema

blp = Blueprint("health", __name__, url_prefix="/api/v1", description="Betriebszustand")
log = logging.getLogger("kim.api")


@blp.route("/health")
@blp.response(200, HealthSchema)
def health():
    """Liveness: the process answers (no database access; restart the process only if this fails)."""
    return {"status": "ok"}


def _not_ready(detail: str, reason: str):
    response = problem(503, detail, kind="not-ready", reason=reason)
    response.headers["Retry-After"] = "2"
    return response


@blp.route("/ready")
@blp.response(200, ReadySchema)
def ready():
    """Readiness: the database answers, its schema is at the newest migration and a writer gets the
    write lock within a second (else 503)."""
    try:
        current = database_revisions(db())
    except DBAPIError as exc:
        log.warning("not ready: database unavailable: %s", exc.__class__.__name__)
        return _not_ready("Die Datenbank ist gerade nicht erreichbar.", "database unreachable")
    heads = head_revisions()
    if current != heads:
        return _not_ready(
            "Die Datenbank ist nicht auf dem neuesten Stand (kim migrate ausführen).",
            f"database schema at {','.join(current) or 'none'}, expected {','.join(heads)}",
        )
    try:
        blocked = writes_blocked(db())
    except DBAPIError as exc:
        log.warning("not ready: write probe failed: %s", exc.__class__.__name__)
        blocked = "write probe failed"
    if blocked is not None:
        log.warning("not ready: %s", blocked)
        return _not_ready(
            "Die Datenbank nimmt gerade keine Änderungen an (Schreibzugriffe warten); bitte gleich erneut "
            "versuchen.",
            "writes blocked",
        )
    return {"status": "ready", "database": "ok", "revision": ",".join(heads)}
