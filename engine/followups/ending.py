"""Ending a UmA follow-up before its natural end (the young person moved away, declines it, ...).

The case manager gives the reason; the follow-up's instance is stopped the way a case's processes stop
(engine/instances/service.stop_instance: open tasks cancelled, timers removed, the row says "stopped"),
and the audit trail records it with the reason. The case itself goes on.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import require_case_manager
from ..audit.service import case_event, record
from ..cases.service import get_case
from ..clock import utcnow
from ..db import begin_write
from ..errors import Conflict, InvalidInput, NotFound
from ..instances.models import RUNNING, ProcessInstance
from ..instances.service import stop_instance
from .models import FollowUp

MAX_REASON = 500


def end_followup(session: Session, *, user: Actor, case_id: int, followup_id: int, reason: str) -> FollowUp:
    """Stop a running follow-up of a case in the user's scope, with a reason (case managers)."""
    require_case_manager(user)
    text = (reason or "").strip()
    if len(text) < 3:
        raise InvalidInput(
            "Bitte den Grund für das Beenden angeben.", errors={"reason": ["Grund erforderlich."]}
        )
    if len(text) > MAX_REASON:
        raise InvalidInput("Der Grund ist zu lang.", errors={"reason": [f"Höchstens {MAX_REASON} Zeichen."]})
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    row = session.scalars(
        select(FollowUp).where(FollowUp.id == followup_id, FollowUp.case_id == case.id)
    ).first()
    if row is None:
        raise NotFound("Diese Nachverfolgung gibt es nicht.")
    instance = session.scalars(
        select(ProcessInstance).where(ProcessInstance.id == row.instance_id).with_for_update()
    ).one()
    if instance.status != RUNNING:
        raise Conflict("Diese Nachverfolgung ist bereits beendet.", kind="followup-ended")
    stop_instance(session, instance, now=utcnow())
    record(session, user, case_event("followup.end", case, reason=text, detail={"followup_id": row.id}))
    session.refresh(row)
    return row
