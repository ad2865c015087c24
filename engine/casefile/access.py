"""Which case a case-file action is about, and who may do it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import require_case_manager
from ..cases.models import Case
from ..cases.service import get_case
from ..db import begin_write
from ..errors import Conflict, InvalidInput
from ..households.service import require_members


def case_to_write(session: Session, *, user: Actor, case_id: int) -> Case:
    """The case a case manager adds a note or a document to (403 for other roles, 404 out of scope).

    Closed cases still take notes and documents (the file is completed after the closure), but
    not once their personal data has been deleted.
    """
    require_case_manager(user)
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    if case.anonymised_at is not None:
        raise Conflict(
            "Die personenbezogenen Daten dieses Falls sind bereits gelöscht.", kind="personal-data-erased"
        )
    return case


def member_of(session: Session, case: Case, member_id) -> int | None:
    """``member_id`` if it names a current member of the case's household (German 422 on it otherwise)."""
    if member_id is None:
        return None
    if isinstance(member_id, bool) or not isinstance(member_id, int):
        raise InvalidInput("Bitte eine Person des Haushalts wählen.", errors={"member_id": ["Keine Person."]})
    (member,) = require_members(session, case.id, [member_id], "member_id")
    return member.id
