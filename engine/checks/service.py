"""Starting an authority's check from a referral, and turning a missing criterion into a goal.

Staff of the authority a referral is addressed to (role ``authority``, ``User.agency`` the referral's
agency) start a check for that referral's case: a Bleiberechtsprüfung at the foreigners' authority, an
Einbürgerungsprüfung at the naturalisation authority. The check runs as its own instance of
processes/residence_check.bpmn or processes/naturalisation_check.bpmn beside the case's other
processes; its row in ``checks`` pins the checklist's form version current at the start. When the
check ends, engine/checks/projection.py keeps the result and sends it back through the referral.
The case manager may then turn each missing criterion into a goal of the accompaniment, once.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import require_case_manager
from ..audit.service import case_event, record
from ..cases.models import OPEN, Case
from ..cases.service import get_case
from ..clock import today_berlin, utcnow
from ..db import begin_write
from ..errors import Conflict, InvalidInput, NotFound
from ..goals.models import Goal
from ..goals.service import add_goal
from ..instances.service import create_instance, start_current
from ..processes.service import current_form_id
from .access import referral_of_agency
from .models import FINISHED, RUNNING, Check


@dataclass(frozen=True)
class Kind:
    """A kind of check: its process, its checklist form and the agencies that do it."""

    process_id: str
    form_key: str
    agencies: tuple[str, ...]  # vocabulary consent.agency


KINDS = {
    "residence": Kind("residence_check", "check_residence", ("foreigners_authority",)),
    "naturalisation": Kind("naturalisation_check", "check_naturalisation", ("naturalisation_authority",)),
}
NO_CHECK = "Diese Prüfung gibt es nicht oder Sie haben keinen Zugriff darauf."


def start_check(session: Session, *, user: Actor, referral_id: int, kind: str) -> Check:
    """Begin a check of ``kind`` for the case of a referral addressed to the user's agency."""
    begin_write(session)
    referral = referral_of_agency(session, user, referral_id)
    spec = KINDS.get(kind) if isinstance(kind, str) else None
    if spec is None or referral.agency not in spec.agencies:
        raise InvalidInput(
            "Diese Prüfung macht Ihre Behörde nicht.",
            errors={"kind": ["Unbekannte Prüfung oder nicht Sache dieser Behörde."]},
        )
    case = session.get_one(Case, referral.case_id)
    if case.status != OPEN:
        raise Conflict("Der Fall ist abgeschlossen; es kann keine Prüfung mehr beginnen.", kind="case-closed")
    running = session.scalar(
        select(Check.id).where(Check.referral_id == referral.id, Check.kind == kind, Check.status == RUNNING)
    )
    if running is not None:
        raise Conflict("Zu dieser Verweisung läuft schon eine Prüfung dieser Art.", kind="check-running")
    # the checklist this check keeps
    form_id = current_form_id(session, spec.form_key, tenant_id=case.tenant_id)
    start = {"check_kind": kind, "referral_id": referral.id}
    version_id, result = start_current(
        session,
        spec.process_id,
        "Die Prüfung konnte nicht gestartet werden.",
        start,
        tenant_id=case.tenant_id,
    )
    instance, _ = create_instance(
        session, case=case, version_id=version_id, process_id=spec.process_id, result=result, user=user
    )
    row = Check(
        case_id=case.id,
        tenant_id=case.tenant_id,
        referral_id=referral.id,
        agency=referral.agency,
        kind=kind,
        instance_id=instance.id,
        form_version_id=form_id,
        status=RUNNING,
        started_by_id=user.id,
        started_at=utcnow(),
    )
    session.add(row)
    session.flush()
    record(
        session,
        user,
        case_event(
            "check.start", case, detail={"check_id": row.id, "kind": kind, "referral_id": referral.id}
        ),
    )
    return row


def _missing_criterion(check: Check, criterion: str) -> tuple[dict, list]:
    for path in (check.result or {}).get("paths") or []:
        for row in path.get("criteria") or []:
            if row.get("key") == criterion and not row.get("met"):
                return row, path["criteria"]
    raise InvalidInput(
        "Dieses Kriterium fehlt in der Prüfung nicht.",
        errors={"criterion": ["Kein fehlendes Kriterium dieser Prüfung."]},
    )


def goal_from_criterion(session: Session, *, user: Actor, check_id: int, criterion: str) -> Goal:
    """A goal of the accompaniment from a missing criterion of a finished check (its text and life
    area; the date from when it could be met as target date, if still to come). Once per criterion."""
    require_case_manager(user)
    begin_write(session)
    check = session.get(Check, check_id) if isinstance(check_id, int) else None
    if check is None:
        raise NotFound(NO_CHECK)
    try:
        get_case(session, user=user, case_id=check.case_id)
    except NotFound:
        raise NotFound(NO_CHECK) from None
    if check.status != FINISHED:
        raise Conflict("Die Prüfung läuft noch und hat noch kein Ergebnis.", kind="check-running")
    row, _ = _missing_criterion(check, criterion if isinstance(criterion, str) else "")
    if row.get("goal_id"):
        raise Conflict(
            "Aus diesem fehlenden Kriterium wurde schon ein Ziel gemacht.", kind="criterion-goal-exists"
        )
    text = row["title"] + (f": {row['what']}" if row.get("what") else "")
    target = _future(row.get("possible_from"))
    goal = add_goal(
        session,
        user=user,
        case_id=check.case_id,
        text=text[:500],
        life_area=row.get("life_area") or "residence",
        target_date=target,
    )
    result = copy.deepcopy(check.result or {})
    for path in result.get("paths") or []:
        for item in path.get("criteria") or []:
            if item.get("key") == criterion:
                item["goal_id"] = goal.id
    check.result = result  # a new dict: the encrypted column is written again
    record(
        session,
        user,
        case_event(
            "check.goal",
            session.get_one(Case, check.case_id),
            detail={"check_id": check.id, "criterion": criterion, "goal_id": goal.id},
        ),
    )
    return goal


def _future(value) -> date | None:
    try:
        day = date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
    return day if day is not None and day >= today_berlin() else None
