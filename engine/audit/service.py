"""Appending to and verifying the audit trail; reading it is for the data-protection officer."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..clock import utcnow
from ..db import begin_write
from ..errors import Forbidden
from .models import AuditEntry, AuditHead

GENESIS = "0" * 64
_FIELDS = ("id", "at", "tenant_id", "user_id", "username", "role", "action", "object_type",
           "object_id", "case_id", "pseudonym", "reason", "detail", "prev_hash")


@dataclass(frozen=True)
class Event:
    """One thing to record: what was done to which object (and case, by pseudonym)."""

    action: str
    object_type: str
    object_id: str | int | None = None
    case_id: int | None = None
    pseudonym: str | None = None
    reason: str | None = None
    detail: dict | None = None


def _seal(row: dict) -> str:
    """The entry's hash over its content and its predecessor's hash."""
    body = {k: row[k] for k in _FIELDS}
    body["at"] = row["at"].isoformat(timespec="microseconds")
    raw = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def record(session: Session, actor: Actor | None, *events: Event, tenant_id: int | None = None) -> None:
    """Append events to the chain, in the caller's write transaction.

    The caller must hold the write lock (engine.db.begin_write) before its first read;
    the head row is locked as well, which serialises appends on every database.
    """
    if not events:
        return
    head = session.execute(select(AuditHead.last_id, AuditHead.last_hash)
                           .where(AuditHead.id == 1).with_for_update()).one()
    last_id, last_hash = head
    now = utcnow()
    rows = []
    for ev in events:
        last_id += 1
        row = {"id": last_id, "at": now, "tenant_id": actor.tenant_id if actor else tenant_id,
               "user_id": actor.id if actor else None, "username": actor.username if actor else None,
               "role": actor.role if actor else None, "action": ev.action, "object_type": ev.object_type,
               "object_id": None if ev.object_id is None else str(ev.object_id), "case_id": ev.case_id,
               "pseudonym": ev.pseudonym, "reason": ev.reason, "detail": ev.detail, "prev_hash": last_hash}
        row["hash"] = last_hash = _seal(row)
        rows.append(row)
    session.execute(insert(AuditEntry), rows)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_id=last_id, last_hash=last_hash)
                    .execution_options(synchronize_session=False))


def case_event(action: str, case, **kw) -> Event:
    """An event about one case (identified by id and pseudonym only)."""
    return Event(action=action, object_type="case", object_id=case.id, case_id=case.id,
                 pseudonym=case.pseudonym, **kw)


@dataclass
class Verdict:
    """The result of checking the chain."""

    ok: bool
    entries: int
    broken_at: int | None = None
    problem: str | None = None


def verify(session: Session, batch: int = 5000) -> Verdict:
    """Recompute the chain from the first entry; name the first entry that does not fit."""
    prev, expected_id, count = GENESIS, 1, 0
    cols = [getattr(AuditEntry, f) for f in _FIELDS] + [AuditEntry.hash]
    while True:
        rows = session.execute(select(*cols).where(AuditEntry.id >= expected_id)
                               .order_by(AuditEntry.id).limit(batch)).mappings().all()
        for row in rows:
            if row["id"] != expected_id:
                return Verdict(False, count, expected_id, f"Eintrag {expected_id} fehlt.")
            if row["prev_hash"] != prev:
                return Verdict(False, count, row["id"], "Verkettung unterbrochen (prev_hash passt nicht).")
            if _seal(dict(row)) != row["hash"]:
                return Verdict(False, count, row["id"], "Inhalt verändert (Prüfsumme passt nicht).")
            prev, expected_id, count = row["hash"], expected_id + 1, count + 1
        if len(rows) < batch:
            break
    head = session.execute(select(AuditHead.last_id, AuditHead.last_hash).where(AuditHead.id == 1)).one()
    if head.last_id != count or head.last_hash != prev:
        return Verdict(False, count, head.last_id, "Kopf der Kette passt nicht zum letzten Eintrag "
                       "(Einträge am Ende entfernt?).")
    return Verdict(True, count)


def require_dpo(user: Actor) -> None:
    """The audit trail and data exports belong to the data-protection officer."""
    if user.role != "dpo":
        raise Forbidden("Nur die/der Datenschutzbeauftragte kann das Protokoll einsehen.")


def search(session: Session, *, user: Actor, case_id: int | None = None, pseudonym: str | None = None,
           username: str | None = None, action: str | None = None, since: datetime | None = None,
           until: datetime | None = None, page: int = 1, per_page: int = 50):
    """Audit entries of the user's tenant, newest first (DPO only; the reading is recorded)."""
    require_dpo(user)
    begin_write(session)  # reading the trail is itself recorded
    cond = [AuditEntry.tenant_id == user.tenant_id]
    for col, value in ((AuditEntry.case_id, case_id), (AuditEntry.pseudonym, pseudonym),
                       (AuditEntry.username, username), (AuditEntry.action, action)):
        if value is not None:
            cond.append(col == value)
    if since is not None:
        cond.append(AuditEntry.at >= since)
    if until is not None:
        cond.append(AuditEntry.at < until)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*cond))
    items = session.scalars(select(AuditEntry).where(*cond).order_by(AuditEntry.id.desc())
                            .limit(per_page).offset((page - 1) * per_page)).all()
    record(session, user, Event("audit.read", "audit", case_id=case_id, pseudonym=pseudonym,
                                detail={"filters": {k: v for k, v in (("case_id", case_id), ("username", username),
                                                                      ("action", action)) if v is not None}}))
    return list(items), total
