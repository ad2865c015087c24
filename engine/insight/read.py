"""What the process insight pages offer to choose from: the processes and the tenant's municipalities."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..org.models import Municipality
from ..processes.models import ProcessVersion
from ..processes.scope import current_id, visible
from .access import require_insight


def processes(session: Session, *, user: Actor) -> list[dict]:
    """Every deployed process the tenant sees with its current version and all its versions."""
    require_insight(user)
    rows = session.execute(
        select(ProcessVersion.id, ProcessVersion.process_id, ProcessVersion.name, ProcessVersion.version)
        .where(ProcessVersion.status == "deployed", visible(ProcessVersion, user.tenant_id))
        .order_by(ProcessVersion.process_id, ProcessVersion.version)
    )
    out: dict[str, dict] = {}
    for row_id, process_id, name, version in rows:
        entry = out.setdefault(
            process_id, {"process_id": process_id, "name": name, "versions": [], "current": None}
        )
        entry["versions"].append(version)
        if "current_id" not in entry:
            entry["current_id"] = current_id(session, ProcessVersion, process_id, user.tenant_id)
        if row_id == entry["current_id"]:
            entry["current"], entry["name"] = version, name or entry["name"]
    for entry in out.values():
        del entry["current_id"]
    return sorted(out.values(), key=lambda p: (p["name"] or p["process_id"]).lower())


def places(session: Session, *, user: Actor) -> list[tuple[str, str]]:
    """(key, name) of the tenant's municipalities, by name."""
    rows = session.execute(
        select(Municipality.key, Municipality.name)
        .where(Municipality.tenant_id == user.tenant_id)
        .order_by(Municipality.name)
    )
    return [(k, n) for k, n in rows]
