"""The audit trail's verification status for the data-protection officer's page.

The same check as ``kim audit verify`` and the checkpoint job (engine/audit/verify.py): the entries since
the latest signed checkpoint (all of them without one) are walked link by link, the head and the guards
are checked, and the checkpoint itself is compared. The head row is locked first, so no entry is
appended while the check runs in the request's writing unit of work.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..db import begin_write
from . import anchor, keys
from .models import AuditHead
from .service import require_dpo
from .verify import Report, verify


def trail_status(session: Session, *, user: Actor, anchor_dir: Path) -> Report:
    """Check the chain since the latest checkpoint (DPO only); the report's ``problems`` are German."""
    require_dpo(user)
    begin_write(session)
    session.execute(select(AuditHead.id).where(AuditHead.id == 1).with_for_update())
    ring = keys.keyring()
    last, problem = anchor.latest(anchor_dir, ring)
    return verify(session, ring, anchor_dir, since=last if problem is None else None, snapshot=False)
