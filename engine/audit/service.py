"""Appending to the audit trail (sealed with the audit key); reading it is for the data-protection officer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from .. import writes
from ..access.actor import Actor
from ..clock import utcnow
from ..db import begin_write
from ..errors import Forbidden, KimError
from . import keys
from .chain import head_seal, seal
from .models import AuditEntry, AuditHead

_ENTRIES = cast(Table, AuditEntry.__table__)
_HEAD = cast(Table, AuditHead.__table__)
# Built once: SQLAlchemy keeps a statement's cache key on it (engine/writes.py).
_INSERT = writes.kept(_ENTRIES.insert())
_LOCK_HEAD = select(_HEAD.c.last_id, _HEAD.c.last_hash).where(_HEAD.c.id == 1).with_for_update()
_MOVE_HEAD = writes.kept(
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(
        last_id=bindparam("head_id"),
        last_hash=bindparam("head_hash"),
        key_id=bindparam("head_key"),
        mac=bindparam("head_mac"),
    )
)


class AuditTrailBroken(KimError):
    """The head row is gone: nothing may be appended until `kim audit verify` has been looked at."""

    status = 500
    title = "Protokoll beschädigt"


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


def record(session: Session, actor: Actor | None, *events: Event, tenant_id: int | None = None) -> None:
    """Append events to the chain, in the caller's write transaction.

    The caller must hold the write lock (engine.db.begin_write) before its first read;
    the head row is locked as well, which serialises appends on every database.
    """
    if not events:
        return
    # The step's kept writes (engine/writes.py) go out first: the head's lock below serialises every
    # writer of the installation until the commit, so nothing that can wait for it runs under it.
    writes.send(session)
    head = session.connection().execute(_LOCK_HEAD).first()
    if head is None:  # deleted behind the service's back; appending would hide the damage
        raise AuditTrailBroken(
            "Das Protokoll ist beschädigt (Kopfzeile fehlt); es wird nichts gespeichert. "
            "Bitte die Administration informieren (kim audit verify)."
        )
    last_id, last_hash = head
    ring = keys.keyring()
    kid, key = ring.primary_id, ring.primary_key
    now = utcnow()
    rows = []
    for ev in events:
        last_id += 1
        row = {
            "id": last_id,
            "at": now,
            "tenant_id": actor.tenant_id if actor else tenant_id,
            "user_id": actor.id if actor else None,
            "username": actor.username if actor else None,
            "role": actor.role if actor else None,
            "action": ev.action,
            "object_type": ev.object_type,
            "object_id": None if ev.object_id is None else str(ev.object_id),
            "case_id": ev.case_id,
            "pseudonym": ev.pseudonym,
            "reason": ev.reason,
            "detail": ev.detail,
            "prev_hash": last_hash,
            "key_id": kid,
        }
        row["hash"] = last_hash = seal(key, row)
        rows.append(row)
    writes.later(session, _INSERT, rows)
    writes.send(
        session,
        writes.Part(
            _MOVE_HEAD,
            params={
                "head_id": last_id,
                "head_hash": last_hash,
                "head_key": kid,
                "head_mac": head_seal(key, kid, last_id, last_hash),
            },
        ),
    )


def case_event(action: str, case, **kw) -> Event:
    """An event about one case (identified by id and pseudonym only)."""
    return Event(
        action=action, object_type="case", object_id=case.id, case_id=case.id, pseudonym=case.pseudonym, **kw
    )


def require_dpo(user: Actor) -> None:
    """The audit trail and data exports belong to the data-protection officer."""
    if user.role != "dpo":
        raise Forbidden("Nur die/der Datenschutzbeauftragte kann das Protokoll einsehen.")


def search(
    session: Session,
    *,
    user: Actor,
    case_id: int | None = None,
    pseudonym: str | None = None,
    username: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
    per_page: int = 50,
):
    """Audit entries of the user's tenant, newest first (DPO only; the reading is recorded)."""
    require_dpo(user)
    begin_write(session)  # reading the trail is itself recorded
    cond = [AuditEntry.tenant_id == user.tenant_id]
    for col, value in (
        (AuditEntry.case_id, case_id),
        (AuditEntry.pseudonym, pseudonym),
        (AuditEntry.username, username),
        (AuditEntry.action, action),
    ):
        if value is not None:
            cond.append(col == value)
    if since is not None:
        cond.append(AuditEntry.at >= since)
    if until is not None:
        cond.append(AuditEntry.at < until)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*cond))
    items = session.scalars(
        select(AuditEntry)
        .where(*cond)
        .order_by(AuditEntry.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    record(
        session,
        user,
        Event(
            "audit.read",
            "audit",
            case_id=case_id,
            pseudonym=pseudonym,
            detail={
                "filters": {
                    k: v
                    for k, v in (("case_id", case_id), ("username", username), ("action", action))
                    if v is not None
                }
            },
        ),
    )
    return list(items), total
