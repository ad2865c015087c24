"""The consent register as people use it: read it, add a release, withdraw one."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import require_case_manager
from ..audit.service import case_event, record
from ..cases.models import OPEN
from ..cases.service import get_case
from ..db import begin_write
from ..errors import Conflict
from . import service
from .models import RELEASE, Consent


def read(session: Session, *, user: Actor, case_id: int) -> list[Consent]:
    """Every consent of a case in the user's scope; the reading is recorded."""
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    record(session, user, case_event("consent.read", case))
    return service.register(session, case.id)


def add_release(
    session: Session, *, user: Actor, case_id: int, agency: str, given_on: date, form_version: str | None
) -> Consent:
    """A further release from confidentiality the client signed later."""
    require_case_manager(user)
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    if case.status != OPEN:
        raise Conflict(
            "Der Fall ist abgeschlossen; es können keine Einwilligungen mehr erfasst werden.",
            kind="case-closed",
        )
    if not any(c.kind == "data_processing" for c in service.active(session, case.id)):
        raise Conflict(
            "Es liegt keine Einwilligung zur Datenverarbeitung vor; bitte zuerst die "
            "Einwilligung im Fallverlauf erfassen.",
            kind="consent-not-given",
        )
    return service.add(
        session,
        case=case,
        user=user,
        kind=RELEASE,
        agency=agency,
        given_on=given_on,
        form_version=form_version,
    )


def withdraw_release(session: Session, *, user: Actor, case_id: int, consent_id: int) -> Consent:
    """The client withdrew one release; referrals to that agency are refused from now on."""
    require_case_manager(user)
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    return service.withdraw_one(session, case=case, user=user, consent_id=consent_id)
