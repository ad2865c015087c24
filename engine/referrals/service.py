"""Sending referrals and taking in the agencies' answers.

Whenever a case is open and its consent is given, its case manager may refer one or more members of
the household to any agency, each referral naming the need (a life area of the assessment) it
addresses and a reason. Each referral passes the consent gate (``require_release``: a release towards
the agency in force on the referral's date for every member named) and then runs as its own instance
of processes/referral.bpmn beside the lifecycle; its row in ``referrals`` is written here and kept in
step by engine/referrals/projection.py. The agency is one of the tenant's agencies (engine/agencies:
the release it needs is the one towards the agency's kind; the period until the reminder is the
agency's). An agency's answer reaches the instance as the message ``referral_answer`` ({status, text,
check_result, decline_reason}), a question as ``referral_question`` (engine/referrals/actions.py); the
referral stops with its case like every other process.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import workflow as wf
from ..access.actor import Actor
from ..access.service import require_case_manager
from ..agencies.service import find_agency, reminder_days_of
from ..audit.service import case_event, record
from ..cases.models import OPEN, Case
from ..cases.service import get_case
from ..clock import today_berlin, utcnow
from ..consents.models import DATA_PROCESSING, OPEN_STATUSES, Referral
from ..consents.referrals import require_release
from ..consents.service import active
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
QUESTION_MESSAGE = "referral_question"  # engine/workflow/messages.ENGINE_MESSAGES
QUESTION_VARIABLE = "question"
REMINDER_DAYS = 14  # the default when neither the agency nor the tenant sets one
CHECK_RESULTS = "referral.check_result"
DECLINE_REASONS = "referral.decline_reason"
NO_SUCH_REFERRAL = "Diese Verweisung gibt es nicht oder Sie haben keinen Zugriff darauf."
NEEDS = "assessment.needs.life_area"
REASON_LENGTH = 2000


def reminder_days(session: Session, tenant_id: int, agency: str | None = None) -> int:
    """Days a referral waits for its answer before the agency is reminded and the case manager follows
    up: the agency's period (engine/agencies), else the tenant's setting, else 14."""
    days = session.scalar(select(Tenant.referral_reminder_days).where(Tenant.id == tenant_id))
    return reminder_days_of(session, tenant_id, agency or "", days)


def _check_fields(session: Session, tenant_id: int, agency: str, need: str, reason: str, referral_date: date):
    """The plain fields, each refused with a German message on its own name; the reason, trimmed, and
    the agency's kind (the release the referral needs is towards it)."""
    errors: dict[str, list[str]] = {}
    found = find_agency(session, tenant_id, agency)
    if found is None:
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
    if errors or found is None:
        raise InvalidInput("Die Verweisung ist unvollständig oder ungültig.", errors=errors)
    return text, found.kind


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
    text, kind = _check_fields(session, case.tenant_id, agency, need, reason, referral_date)
    members = require_release(session, case, kind, member_ids, referral_date)
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
        "reminder_days": reminder_days(session, case.tenant_id, agency),
    }
    version_id, result = start_current(
        session, PROCESS_ID, "Die Verweisung konnte nicht gestartet werden.", start, tenant_id=case.tenant_id
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
            raise NotFound(NO_SUCH_REFERRAL)
        return session.get_one(Case, row.case_id)
    if user.role != "case_manager":
        raise Forbidden("Ihre Rolle kann keine Antwort auf eine Verweisung erfassen.")
    return get_case(session, user=user, case_id=row.case_id)


def running_instance(session: Session, row: Referral) -> ProcessInstance:
    """The referral's running process, locked for the step (409 ``referral-closed`` when it ended)."""
    instance = session.scalars(
        select(ProcessInstance).where(ProcessInstance.id == row.instance_id).with_for_update()
    ).first()
    if instance is None or instance.status != RUNNING:
        raise _closed()
    return instance


def _closed() -> Conflict:
    return Conflict(
        "Diese Verweisung ist abgeschlossen; eine Antwort kann nicht mehr erfasst werden.",
        kind="referral-closed",
    )


def send(
    session: Session, row: Referral, case: Case, user: Actor, message: str, payload: dict, variable: str
) -> None:
    """Deliver ``message`` to the referral's process and record the step (409 when nothing waits)."""
    instance = running_instance(session, row)
    proc = parsed_version(session, instance.process_version_id)
    try:
        result = wf.send_message(proc, instance.state, message, payload, variable)
    except wf.NotWaiting:
        if message == ANSWER_MESSAGE or row.status not in OPEN_STATUSES:
            raise _closed() from None
        raise Conflict(
            "Die Verweisung wartet gerade nicht auf eine Rückfrage (es ist bereits eine offen, oder sie "
            "läuft in einer älteren Prozessversion ohne Rückfragen).",
            kind="referral-not-waiting",
        ) from None
    except wf.EngineFailure as exc:
        raise ProcessFailure(
            "Die Antwort konnte nicht verarbeitet werden.", element_id=exc.element_id
        ) from None
    record_step(session, instance=instance, case=case, result=result, user=user, completed_task=None)


def _code(value: str | None, vocabulary: str, field: str) -> str | None:
    if value is None or value == "":
        return None
    if value not in labels(vocabulary):
        raise InvalidInput(
            "Unbekannter Wert.", errors={field: ["Unbekannter Wert: bitte einen der angebotenen wählen."]}
        )
    return value


def deliver_answer(
    session: Session,
    referral_id: int,
    status: str,
    text: str | None,
    user: Actor,
    *,
    check_result: str | None = None,
    decline_reason: str | None = None,
    check: dict | None = None,
) -> Referral:
    """An agency's answer to a referral: status (received, in progress, answered, declined), text and,
    for a check, its result (vocabulary ``referral.check_result``), for a decline its reason
    (``referral.decline_reason``), delivered to the referral's process as the message
    ``referral_answer``; a waiting reminder is cancelled, an open follow-up or question task too. A
    final answer (answered, declined) becomes the case manager's task "Rückmeldung ansehen". ``check``:
    the result of an authority's check the answer carries (engine/checks), in the payload under "check"."""
    begin_write(session)
    row = session.get(Referral, referral_id)
    if row is None:
        raise NotFound(NO_SUCH_REFERRAL)
    case = _may_answer(session, user, row)
    if status not in ANSWER_STATUSES:
        raise InvalidInput("Unbekannter Status der Antwort.", errors={"status": ["Unbekannter Status."]})
    if text is not None and (not isinstance(text, str) or len(text) > ANSWER_LENGTH):
        raise InvalidInput(
            "Die Antwort ist zu lang.", errors={"text": [f"Höchstens {ANSWER_LENGTH} Zeichen."]}
        )
    payload: dict[str, Any] = {
        "status": status,
        "text": (text or "").strip(),
        "check_result": _code(check_result, CHECK_RESULTS, "check_result") or "",
        "decline_reason": _code(decline_reason, DECLINE_REASONS, "reason") or "",
    }
    if check is not None:
        payload["check"] = check
    send(session, row, case, user, ANSWER_MESSAGE, payload, ANSWER_VARIABLE)
    detail = {"referral_id": row.id, "status": status}
    if payload["check_result"]:
        detail["check_result"] = payload["check_result"]
    record(session, user, case_event("referral.answer", case, detail=detail))
    return row
