"""What the addressed agency does with a referral: accept it, ask back, answer it, decline it.

Only the staff of the addressed agency act here (role ``authority``, ``User.agency`` the referral's
agency, same tenant); anyone else's referral is the same 404 as a missing id. Each action reaches the
referral's process as a message (engine/referrals/service.send): accepting and answering as
``referral_answer`` (status ``in_progress``; ``answered`` with the result and an optional check result;
``declined`` with the reason), asking back as ``referral_question`` (the case manager's task "Rückfrage
beantworten"; her reply is shown on the agency's referral page). An answer or decline becomes the case
manager's task "Rückmeldung ansehen". Every action is audited; bad input is a German 422 naming the
field with nothing sent; a second answer is 409 ``referral-closed``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..audit.service import case_event, record
from ..cases.models import Case
from ..consents.models import ANSWERED, DECLINED, IN_PROGRESS, QUESTION, Referral
from ..db import begin_write
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..vocabulary import labels
from .projection import ANSWER_LENGTH
from .service import (
    ANSWER_MESSAGE,
    ANSWER_VARIABLE,
    CHECK_RESULTS,
    DECLINE_REASONS,
    NO_SUCH_REFERRAL,
    QUESTION_MESSAGE,
    QUESTION_VARIABLE,
    send,
)

FINAL = (ANSWERED, DECLINED)


def require_agency_user(user: Actor) -> None:
    """Agency staff whose account names their agency (403 otherwise)."""
    if user.role != "authority":
        raise Forbidden("Nur die angefragte Stelle bearbeitet eine Verweisung.")
    if not user.agency:
        raise Forbidden(
            "Ihrem Konto ist keine Stelle zugeordnet. Bitte an die Administration wenden.", kind="no-agency"
        )


def addressed(session: Session, user: Actor, referral_id: int) -> tuple[Referral, Case]:
    """The referral if ``user`` works at its agency; 404 (the same as a missing id) otherwise."""
    require_agency_user(user)
    row = session.get(Referral, referral_id)
    if row is None or row.tenant_id != user.tenant_id or row.agency != user.agency:
        raise NotFound(NO_SUCH_REFERRAL)
    return row, session.get_one(Case, row.case_id)


def _text(value, field: str, required: str | None) -> str:
    """Free text, trimmed: required ones refused with ``required`` when empty; at most 2000 characters."""
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        raise InvalidInput("Bitte einen Text angeben.", errors={field: ["Bitte einen Text angeben."]})
    if required and not text:
        raise InvalidInput(required, errors={field: [required]})
    if len(text) > ANSWER_LENGTH:
        raise InvalidInput("Der Text ist zu lang.", errors={field: [f"Höchstens {ANSWER_LENGTH} Zeichen."]})
    return text


def _start(session: Session, user: Actor, referral_id: int) -> tuple[Referral, Case]:
    begin_write(session)
    row, case = addressed(session, user, referral_id)
    if row.status in FINAL:
        raise Conflict(
            "Diese Verweisung ist bereits beantwortet oder abgelehnt; eine weitere Antwort geht nicht.",
            kind="referral-closed",
        )
    return row, case


def _done(session: Session, user: Actor, action: str, row: Referral, case: Case, **detail) -> Referral:
    record(session, user, case_event(action, case, detail={"referral_id": row.id, **detail}))
    session.flush()
    return row


def accept(session: Session, *, user: Actor, referral_id: int, text: str | None = None) -> Referral:
    """The agency accepts the referral: it is in progress there (a new period until the reminder)."""
    row, case = _start(session, user, referral_id)
    note = _text(text, "text", None)
    if row.status == QUESTION:
        raise Conflict(
            "Zu dieser Verweisung ist eine Rückfrage offen; bitte die Antwort des Case-Managements abwarten.",
            kind="referral-not-waiting",
        )
    payload = {"status": IN_PROGRESS, "text": note or "Die Verweisung ist angenommen."}
    send(session, row, case, user, ANSWER_MESSAGE, payload, ANSWER_VARIABLE)
    return _done(session, user, "referral.accept", row, case)


def ask(session: Session, *, user: Actor, referral_id: int, text) -> Referral:
    """The agency asks the case manager a question (her task "Rückfrage beantworten")."""
    row, case = _start(session, user, referral_id)
    question = _text(text, "text", "Bitte die Rückfrage angeben.")
    send(session, row, case, user, QUESTION_MESSAGE, {"text": question}, QUESTION_VARIABLE)
    return _done(session, user, "referral.question", row, case)


def answer(
    session: Session, *, user: Actor, referral_id: int, result, check_result: str | None = None
) -> Referral:
    """The agency's answer: the result as free text and, where it checked something, the check's result."""
    row, case = _start(session, user, referral_id)
    errors: dict[str, list[str]] = {}
    text = result.strip() if isinstance(result, str) else ""
    if not text:
        errors["result"] = ["Bitte das Ergebnis der Verweisung angeben."]
    elif len(text) > ANSWER_LENGTH:
        errors["result"] = [f"Höchstens {ANSWER_LENGTH} Zeichen."]
    if check_result not in (None, "") and check_result not in labels(CHECK_RESULTS):
        errors["check_result"] = ["Unbekanntes Prüfergebnis: bitte eines der angebotenen wählen."]
    if errors:
        raise InvalidInput("Die Antwort ist unvollständig oder ungültig.", errors=errors)
    payload = {"status": ANSWERED, "text": text, "check_result": check_result or "", "decline_reason": ""}
    send(session, row, case, user, ANSWER_MESSAGE, payload, ANSWER_VARIABLE)
    return _done(session, user, "referral.answer", row, case, check_result=check_result or None)


def decline(session: Session, *, user: Actor, referral_id: int, reason, text: str | None = None) -> Referral:
    """The agency declines the referral, with a reason (vocabulary ``referral.decline_reason``)."""
    row, case = _start(session, user, referral_id)
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = ["Bitte den Grund der Ablehnung angeben."]
    elif reason not in labels(DECLINE_REASONS):
        errors["reason"] = ["Unbekannter Grund: bitte einen der angebotenen wählen."]
    try:
        note = _text(text, "text", None)
    except InvalidInput as exc:
        errors.update(exc.errors)
        note = ""
    if errors:
        raise InvalidInput("Die Ablehnung ist unvollständig oder ungültig.", errors=errors)
    payload = {"status": DECLINED, "text": note, "check_result": "", "decline_reason": reason}
    send(session, row, case, user, ANSWER_MESSAGE, payload, ANSWER_VARIABLE)
    return _done(session, user, "referral.decline", row, case, reason=reason)
