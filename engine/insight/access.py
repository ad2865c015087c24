"""Who reads the process insight and a case's diagram."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import sees_personal_data
from ..cases.models import Case
from ..cases.service import get_case
from ..errors import Forbidden, NotFound

INSIGHT_ROLES = ("process_owner", "coordinator")
MISSING = "Diesen Fall gibt es nicht oder Sie haben keinen Zugriff darauf."


def require_insight(user: Actor) -> None:
    """Heat maps and event logs are for process owners and coordinators (pseudonymised figures)."""
    if user.role not in INSIGHT_ROLES:
        raise Forbidden("Nur Prozessverantwortliche und die Koordination sehen die Prozessauswertung.")


def diagram_case(session: Session, user: Actor, case_id: int) -> Case:
    """The case whose diagrams the user may see: a case manager's own scope (as every case read),
    a process owner any case of the tenant (pseudonymised); 404 otherwise, as for a missing id."""
    if user.role == "process_owner":
        case = session.get(Case, case_id)
        if case is None or case.tenant_id != user.tenant_id:
            raise NotFound(MISSING)
        return case
    return get_case(session, user=user, case_id=case_id)


def shows_names(user: Actor) -> bool:
    """Staff names beside the steps only for those who see the case's personal data."""
    return sees_personal_data(user)
