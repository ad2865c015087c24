"""Keeping a check's row in step with its process, and its result going back (hooks, engine/hooks.py).

When a check's instance ends, its result per path is read from the process data against the pinned
checklist (engine/checks/result.py) and kept on the row; then it goes back to the case as the
authority's answer to the referral (``engine.referrals.service.deliver_answer``: status "answered",
a German summary as text, the result under ``check``), in the same transaction, by the staff member
who recorded it. A referral already closed keeps its answer; the case page shows the result anyway.
When the case's processes stop, the check says so.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import workflow as wf
from ..access.actor import Actor
from ..access.models import User
from ..cases.models import Case
from ..errors import Conflict, NotFound
from ..instances.models import ProcessInstance
from ..processes.models import FormVersion
from ..referrals.service import deliver_answer
from ..tasks.models import COMPLETED, TaskRecord
from ..vocabulary import label
from . import models
from .models import FINISHED, RUNNING, STOPPED, Check
from .result import result_of, summary

PROCESS_IDS = models.PROCESS_IDS  # engine/hooks.py wires the hooks below for these

ANSWER_LENGTH = 2000


def _recorder(session: Session, instance: ProcessInstance) -> Actor | None:
    """Who completed the check's last task (the staff member who recorded the result)."""
    user_id = session.scalar(
        select(TaskRecord.completed_by_id)
        .where(TaskRecord.instance_id == instance.id, TaskRecord.status == COMPLETED)
        .order_by(TaskRecord.completed_at.desc(), TaskRecord.id.desc())
        .limit(1)
    )
    user = session.get(User, user_id) if user_id else None
    if user is None:
        return None
    return Actor(
        user.id, user.username, user.role, user.tenant_id, user.municipality_id, user.team_id, user.agency
    )


def project(
    session: Session, instance: ProcessInstance, case: Case | None, result: wf.StepResult, now: datetime
) -> None:
    """At the check's end: keep the result on its row and answer the referral with it."""
    if case is None or not result.completed:
        return
    row = session.scalars(select(Check).where(Check.instance_id == instance.id)).first()
    if row is None or row.status != RUNNING:
        return
    schema = session.get_one(FormVersion, row.form_version_id).schema
    outcome = result_of(schema, result.data)
    row.result, row.status, row.finished_at = outcome, FINISHED, now
    row.met = any(p["met"] for p in outcome["paths"])
    session.flush()
    user = _recorder(session, instance)
    if user is None:
        return
    text = summary(label("check.kind", row.kind), outcome)[:ANSWER_LENGTH]
    try:
        verdict = "met" if row.met else "not_yet_met"  # the referral's check result (referral.check_result)
        deliver_answer(
            session,
            row.referral_id,
            "answered",
            text,
            user,
            check_result=verdict,
            check={"id": row.id, **outcome},
        )
    except (Conflict, NotFound):  # the referral is closed already: the case page shows the result
        return


def stopped(session: Session, instance: ProcessInstance, now: datetime) -> None:
    """The check's process stopped with its case."""
    session.execute(
        update(Check)
        .where(Check.instance_id == instance.id, Check.status == RUNNING)
        .values(status=STOPPED, finished_at=now)
        .execution_options(synchronize_session=False)
    )
