"""Sending referrals and taking in the agencies' answers.

Whenever a case is open and its consent is given, its case manager may refer one or more members of
the household to any agency, each referral naming the need (a life area of the assessment) it
addresses and a reason. Each referral passes the consent gate (``require_release``: a release towards
the agency in force on the referral's date for every member named) and then runs as its own instance
of processes/referral.bpmn beside the lifecycle; its row in ``referrals`` is written here and kept in
step by engine/referrals/projection.py. An agency's answer reaches the instance as the message
``referral_answer`` ({status, text}); the referral stops with its case like every other process.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import workflow as wf
from ..access.actor import Actor
from ..access.service import require_case_manager
from ..audit.service import case_event, record
from ..cases.models import OPEN, Case
from ..cases.service import get_case
from ..clock import today_berlin, utcnow
from ..consents.models import DATA_PROCESSING, Referral
from ..consents.referrals import require_release
from ..consents.service import AGENCIES, active
from ..db import begin_write
from ..errors import Conflict, Forbidden, InvalidInput, NotFound, ProcessFailure
from ..instances.models import RUNNING, ProcessInstance
from ..instances.service import create_instance, record_step, start_current
from ..org.models import Tenant
from ..processes.service import parsed_version
from ..vocabulary import labels
from .projection import ANSWER_LENGTH, ANSWER_STATUSES, PROCESS_ID

ANSWER_MESSAGE = "referral_answer"  # engine/workflow/messages.ENGINE_MESSAGES
ANSWER_VARIABLE = "answer"  # where the message's payload lands in the process data
REMINDER_DAYS = 14  # the default when the tenant sets none (tenants.referral_reminder_days)
NEEDS = "assessment.needs.life_area"
REASON_LENGTH = 2000


def reminder_days(session: Session, tenant_id: int) -> int:
    """Days a referral waits for its answer before the case manager is reminded (tenant setting)."""
    days = session.scalar(select(Tenant.referral_reminder_days).where(Tenant.id == tenant_id))
    return days if isinstance(days, int) and days > 0 else REMINDER_DAYS


def _check_fields(agency: str, need: str, reason: str, referral_date: date) -> str:
    """The plain fields, each refused with a German message on its own name; the reason, trimmed."""
    errors: dict[str, list[str]] = {}
    if agency not in AGENCIES:
        errors["agency"] = ["Unbekannte Stelle."]
    if need not in labels(NEEDS):
        errors["need"] = ["Unbekannter Bedarf: bitte einen Lebensbereich der Falleinschätzung wählen."]
    text = (reason or "").strip()
    if not text:
        errors["reason"] = ["Bitte den Grund der Verweisung angeben."]
    elif len(text) > REASON_LENGTH:
        errors["reason"] = [f"Höchstens {REASON_LENGTH} Zeichen."]
    if referral_date > today_berlin():
        errors["referral_date"] = [
            f"Das Datum darf nicht in der Zukunft liegen (heute ist der {today_berlin():%d.%m.%Y})."
        ]
    if errors:
        raise InvalidInput("Die Verweisung ist unvollständig oder ungültig.", errors=errors)
    return text


def send_referral(
    session: Session,
    *,
    user: Actor,
    case_id: int,
    agency: str,
    member_ids,
    need: str,
    reason: str,
    referral_date: date,
) -> Referral:
    """Refer members of an open case with consent to an agency, and start the referral's process."""
    require_case_manager(user)
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    if case.status != OPEN:
        raise Conflict(
            "Der Fall ist abgeschlossen; es können keine Verweisungen mehr gesendet werden.",
            kind="case-closed",
        )
    if not any(c.kind == DATA_PROCESSING for c in active(session, case.id)):
        raise Conflict(
            "Eine Verweisung ist erst möglich, wenn die Einwilligung zur Datenverarbeitung erteilt ist "
            "(Aufgabe „Einwilligung“).",
            kind="consent-not-given",
        )
    text = _check_fields(agency, need, reason, referral_date)
    members = require_release(session, case, agency, member_ids, referral_date)
    now = utcnow()
    row = Referral(
        case_id=case.id,
        tenant_id=case.tenant_id,
        municipality_id=case.municipality_id,
        team_id=case.team_id,
        agency=agency,
        referred_on=referral_date,
        referred_by_id=user.id,
        created_at=now,
        member_ids=[m.id for m in members],
        need=need,
        reason=text,
    )
    session.add(row)
    session.flush()
    start = {
        "referral_id": row.id,
        "agency": agency,
        "need": need,
        "member_ids": row.member_ids,
        "referral_date": referral_date.isoformat(),
        "reminder_days": reminder_days(session, case.tenant_id),
    }
    version_id, result = start_current(
        session, PROCESS_ID, "Die Verweisung konnte nicht gestartet werden.", start
    )
    create_instance(
        session, case=case, version_id=version_id, process_id=PROCESS_ID, result=result, user=user
    )
    record(
        session,
        user,
        case_event(
            "referral.send", case, detail={"referral_id": row.id, "agency": agency, "members": len(members)}
        ),
    )
    return row


def _may_answer(session: Session, user: Actor, row: Referral) -> Case:
    """The addressed agency's staff, or the case's case manager (who heard the answer by phone)."""
    if user.role == "authority":
        if user.tenant_id != row.tenant_id or user.agency != row.agency:
            raise NotFound("Diese Verweisung gibt es nicht oder Sie haben keinen Zugriff darauf.")
        return session.get_one(Case, row.case_id)
    if user.role != "case_manager":
        raise Forbidden("Ihre Rolle kann keine Antwort auf eine Verweisung erfassen.")
    return get_case(session, user=user, case_id=row.case_id)


def deliver_answer(
    session: Session,
    referral_id: int,
    status: str,
    text: str | None,
    user: Actor,
    check: dict | None = None,
) -> Referral:
    """An agency's answer to a referral: status (received, in progress, answered, declined) and text,
    delivered to the referral's process as the message ``referral_answer``; a waiting reminder is
    cancelled, an open follow-up task too. ``check``: the result of an authority's check the answer
    carries (engine/checks), in the payload under "check"."""
    begin_write(session)
    row = session.get(Referral, referral_id)
    if row is None:
        raise NotFound("Diese Verweisung gibt es nicht oder Sie haben keinen Zugriff darauf.")
    case = _may_answer(session, user, row)
    if status not in ANSWER_STATUSES:
        raise InvalidInput("Unbekannter Status der Antwort.", errors={"status": ["Unbekannter Status."]})
    if text is not None and (not isinstance(text, str) or len(text) > ANSWER_LENGTH):
        raise InvalidInput(
            "Die Antwort ist zu lang.", errors={"text": [f"Höchstens {ANSWER_LENGTH} Zeichen."]}
        )
    instance = session.scalars(
        select(ProcessInstance).where(ProcessInstance.id == row.instance_id).with_for_update()
    ).first()
    closed = Conflict(
        "Diese Verweisung ist abgeschlossen; eine Antwort kann nicht mehr erfasst werden.",
        kind="referral-closed",
    )
    if instance is None or instance.status != RUNNING:
        raise closed
    proc = parsed_version(session, instance.process_version_id)
    payload: dict = {"status": status, "text": (text or "").strip()}
    if check is not None:
        payload["check"] = check
    try:
        result = wf.send_message(proc, instance.state, ANSWER_MESSAGE, payload, ANSWER_VARIABLE)
    except wf.NotWaiting:
        raise closed from None
    except wf.EngineFailure as exc:
        raise ProcessFailure(
            "Die Antwort konnte nicht verarbeitet werden.", element_id=exc.element_id
        ) from None
    record_step(session, instance=instance, case=case, result=result, user=user, completed_task=None)
    record(
        session, user, case_event("referral.answer", case, detail={"referral_id": row.id, "status": status})
    )
    return row
