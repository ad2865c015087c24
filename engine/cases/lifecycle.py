"""The case lifecycle's effect on the case itself: its route and its closure, after each step.

When the lifecycle ends (any closure reason, refused or withdrawn consent) every other process of
the case stops with it: ``stop_case_instances`` cancels their open tasks and timers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from .. import workflow as wf
from ..instances.models import ProcessInstance
from ..instances.service import stop_case_instances
from .models import CLOSED, Case

PROCESS_ID = "case_lifecycle"
ROUTES = ("referral", "accompaniment")
CLOSURE_REASON_LENGTH = 40  # the column's width


def apply_step(
    session: Session, instance: ProcessInstance, case: Case | None, result: wf.StepResult, now: datetime
) -> None:
    """Carry the chosen route and the end of the process onto the case (hook, same transaction)."""
    if case is None:  # a test run of the diagram: no case to update
        return
    route = result.data.get("route")
    if route in ROUTES and case.route != route:
        case.route = route
    if result.completed:
        case.status = CLOSED
        case.closed_at = now
        reason = result.data.get("closure_reason")
        case.closure_reason = str(reason)[:CLOSURE_REASON_LENGTH] if reason else "other"
        stop_case_instances(session, case, exclude=instance.id)
