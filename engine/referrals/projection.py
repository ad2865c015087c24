"""Keeping a referral's row in step with its process (hooks, engine/hooks.py).

After each step of a referral instance its row in ``referrals`` takes the status the process set
(vocabulary ``referral.status``), the day its reminder falls due while it waits for the answer
(``due_on``, from the waiting ``reminder`` timer), and the agency's answer: its text and when it came
(``answered_at``, the step in which an answer status or text changed), with the check result and the
reason of a decline. A question of the agency (status ``question``) is appended to the referral's
``dialogue`` and the case manager's reply (task "Rückfrage beantworten") fills it in; the first time the
reminder fell due without an answer is ``reminded_at`` (the agency's inbox marks it overdue). The
referral list and the case page are then plain indexed queries.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import workflow as wf
from ..cases.models import Case
from ..clock import BERLIN
from ..consents.models import ANSWERED, DECLINED, IN_PROGRESS, NO_ANSWER, QUESTION, RECEIVED, SENT, Referral
from ..instances.models import ProcessInstance

PROCESS_ID = "referral"
REMINDER = "reminder"  # the reminder timer's element id in processes/referral.bpmn
STATUSES = (SENT, RECEIVED, IN_PROGRESS, ANSWERED, DECLINED, NO_ANSWER, QUESTION)
ANSWER_STATUSES = (RECEIVED, IN_PROGRESS, ANSWERED, DECLINED)
ANSWER_LENGTH = 2000


def _row(session: Session, instance: ProcessInstance, case: Case, data: dict) -> Referral | None:
    row = session.scalars(select(Referral).where(Referral.instance_id == instance.id)).first()
    if row is None and isinstance(data.get("referral_id"), int):  # the first step: the row waits for it
        row = session.get(Referral, data["referral_id"])
        if row is None or row.case_id != case.id or row.instance_id is not None:
            return None
        row.instance_id = instance.id
    return row


def project(
    session: Session, instance: ProcessInstance, case: Case | None, result: wf.StepResult, now: datetime
) -> None:
    """Carry status, reminder day and answer onto the referral's row (after each step, same transaction)."""
    if case is None:  # a test run of the diagram
        return
    data = result.data
    row = _row(session, instance, case, data)
    if row is None:
        return
    status = data.get("status")
    text = str(data.get("answer_text") or "")[:ANSWER_LENGTH] or None
    if status in ANSWER_STATUSES and (status != row.status or text != row.answer_text):
        row.answered_at, row.answer_text = now, text
        row.check_result = str(data.get("check_result") or "")[:40] or None
        row.decline_reason = str(data.get("decline_reason") or "")[:40] or None
    _dialogue(row, status, data, now)
    if status == NO_ANSWER and row.reminded_at is None:
        row.reminded_at = now
    if status in STATUSES:
        row.status = status
    due = [t.due_at for t in result.timers if t.bpmn_id == REMINDER]
    row.due_on = min(due).astimezone(BERLIN).date() if due else None
    session.flush()


def dialogue(row: Referral) -> list[dict]:
    """The referral's questions and replies, oldest first ({question, asked_at, reply, replied_at})."""
    try:
        found = json.loads(row.dialogue or "[]")
    except ValueError:
        return []
    return [d for d in found if isinstance(d, dict)] if isinstance(found, list) else []


def _dialogue(row: Referral, status, data: dict, now: datetime) -> None:
    """A new question of the agency appended; the case manager's reply to the open one filled in."""
    entries = dialogue(row)
    if status == QUESTION and row.status != QUESTION:
        text = str(data.get("question_text") or "")[:ANSWER_LENGTH]
        entries.append({"question": text, "asked_at": now.isoformat(), "reply": None, "replied_at": None})
    elif row.status == QUESTION and status != QUESTION and str(data.get("reply") or "").strip() and entries:
        if entries[-1].get("reply") is None:
            entries[-1].update(reply=str(data["reply"]).strip()[:ANSWER_LENGTH], replied_at=now.isoformat())
    else:
        return
    row.dialogue = json.dumps(entries, ensure_ascii=False)


def stopped(session: Session, instance: ProcessInstance, now: datetime) -> None:
    """The referral's process stopped with its case: no reminder falls due any more."""
    session.execute(
        update(Referral)
        .where(Referral.instance_id == instance.id)
        .values(due_on=None)
        .execution_options(synchronize_session=False)
    )
