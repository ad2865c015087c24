"""A case's checks as the case page and the API show them (one read function, audited).

Each check with its kind, status, form version, when it started and ended, and its result per path:
each criterion met or missing, and for the case manager what is missing, from when it could be met
and whether a goal was made of it. Pseudonymised roles (coordinators and the like) see kind, status,
and which criteria are met; none of the authority's notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import sees_personal_data
from ..audit.service import case_event, record
from ..cases.models import Case
from ..cases.service import get_case
from ..db import begin_write
from ..errors import Forbidden, NotFound
from ..processes.models import FormVersion
from ..vocabulary import label
from .access import AUTHORITY
from .models import FINISHED, Check
from .service import NO_CHECK


@dataclass(frozen=True)
class CriterionView:
    key: str
    title: str
    met: bool
    life_area: str | None
    life_area_label: str | None
    what: str | None = None  # only for who sees personal data
    possible_from: str | None = None
    goal_id: int | None = None
    can_make_goal: bool = False


@dataclass(frozen=True)
class PathView:
    path: str
    title: str
    met: bool
    criteria: list[CriterionView] = field(default_factory=list)


@dataclass(frozen=True)
class CheckView:
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    agency: str
    agency_name: str
    referral_id: int
    form_version: int
    started_at: datetime
    finished_at: datetime | None
    met: bool | None
    paths: list[PathView] = field(default_factory=list)
    notes: str | None = None


def _criterion(row: dict, personal: bool, can_goal: bool) -> CriterionView:
    area = row.get("life_area")
    goal_id = row.get("goal_id") if personal else None
    return CriterionView(
        key=str(row.get("key")),
        title=str(row.get("title")),
        met=bool(row.get("met")),
        life_area=area,
        life_area_label=label("assessment.needs.life_area", area) if area else None,
        what=row.get("what") if personal else None,
        possible_from=row.get("possible_from"),
        goal_id=goal_id,
        can_make_goal=can_goal and not row.get("met") and not row.get("goal_id"),
    )


def check_view(row: Check, version: int, *, personal: bool, can_goal: bool = False) -> CheckView:
    """One check as shown; ``can_goal``: its case manager may turn missing criteria into goals."""
    result = row.result or {}
    goals = can_goal and row.status == FINISHED
    return CheckView(
        id=row.id,
        kind=row.kind,
        kind_label=label("check.kind", row.kind),
        status=row.status,
        status_label=label("check.status", row.status),
        agency=row.agency,
        agency_name=label("consent.agency", row.agency),
        referral_id=row.referral_id,
        form_version=version,
        started_at=row.started_at,
        finished_at=row.finished_at,
        met=row.met,
        paths=[
            PathView(
                str(p.get("path")),
                str(p.get("title")),
                bool(p.get("met")),
                [_criterion(c, personal, goals) for c in p.get("criteria") or []],
            )
            for p in result.get("paths") or []
        ],
        notes=result.get("remarks") if personal else None,
    )


def case_checks(session: Session, *, user: Actor, case_id: int) -> list[CheckView]:
    """The case's checks, oldest first (the reading is recorded)."""
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    personal = sees_personal_data(user)
    rows = session.execute(
        select(Check, FormVersion.version)
        .join(FormVersion, FormVersion.id == Check.form_version_id)
        .where(Check.case_id == case.id)
        .order_by(Check.started_at, Check.id)
    ).all()
    if rows:
        record(
            session,
            user,
            case_event("check.list", case, detail={"count": len(rows), "personal_data": personal}),
        )
    can_goal = user.role == "case_manager"
    return [check_view(c, v, personal=personal, can_goal=can_goal) for c, v in rows]


def agency_check(session: Session, *, user: Actor, check_id: int) -> CheckView:
    """One check of the user's agency (its staff: the result without the client's name)."""
    if user.role != AUTHORITY:
        raise Forbidden("Nur Mitarbeitende einer Behörde sehen deren Prüfungen.")
    begin_write(session)
    row = session.get(Check, check_id) if isinstance(check_id, int) else None
    if row is None or row.tenant_id != user.tenant_id or row.agency != user.agency:
        raise NotFound(NO_CHECK)
    version = session.get_one(FormVersion, row.form_version_id).version
    case = session.get_one(Case, row.case_id)
    record(session, user, case_event("check.read", case, detail={"check_id": row.id}))
    return check_view(row, version, personal=True)
