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
    session: Session,
    *,
    user: Actor,
    case_id: int,
    agency: str,
    given_on: date,
    form_version: str | None,
    member_ids: list[int] | None = None,
    guardian_id: int | None = None,
) -> Consent:
    """A further release from confidentiality signed later, for the members named (default: the case's
    person, member 1); a minor's is given by the guardian (``guardian_id``, default the first adult)."""
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
        member_ids=member_ids,
        guardian_id=guardian_id,
    )


def withdraw_release(session: Session, *, user: Actor, case_id: int, consent_id: int) -> Consent:
    """The client withdrew one release; referrals to that agency are refused from now on."""
    require_case_manager(user)
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    return service.withdraw_one(session, case=case, user=user, consent_id=consent_id)
