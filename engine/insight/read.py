"""What the process insight pages offer to choose from: the processes and the tenant's municipalities."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..org.models import Municipality
from ..processes.models import ProcessVersion
from .access import require_insight


def processes(session: Session, *, user: Actor) -> list[dict]:
    """Every deployed process with its current version and all its versions."""
    require_insight(user)
    rows = session.execute(
        select(
            ProcessVersion.process_id, ProcessVersion.name, ProcessVersion.version, ProcessVersion.is_current
        )
        .where(ProcessVersion.status == "deployed")
        .order_by(ProcessVersion.process_id, ProcessVersion.version)
    )
    out: dict[str, dict] = {}
    for process_id, name, version, current in rows:
        entry = out.setdefault(
            process_id, {"process_id": process_id, "name": name, "versions": [], "current": None}
        )
        entry["versions"].append(version)
        if current:
            entry["current"], entry["name"] = version, name or entry["name"]
    return sorted(out.values(), key=lambda p: (p["name"] or p["process_id"]).lower())


def places(session: Session, *, user: Actor) -> list[tuple[str, str]]:
    """(key, name) of the tenant's municipalities, by name."""
    rows = session.execute(
        select(Municipality.key, Municipality.name)
        .where(Municipality.tenant_id == user.tenant_id)
        .order_by(Municipality.name)
    )
    return [(k, n) for k, n in rows]
