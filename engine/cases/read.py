"""Case screens and resources, read in one place: one read function per screen (case list and search,
the case page, the places for a new case) and per API resource (case list, case detail, case history).

Each read function applies scope, personal-data visibility, labels and the audit record, and returns a
ready-to-show view model. A pseudonymised role (coordinator, steering, DPO) gets no client name, birth
date or submitted form data from here at all: those fields are simply None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.read import display_names
from ..access.service import sees_personal_data
from ..audit.service import case_event, record
from ..clock import utcnow
from ..consents import register
from ..consents.models import Referral
from ..followups import due
from ..followups.models import FollowUp
from ..goals import read as goal_read
from ..history_labels import shown, state_label, title
from ..org.models import Municipality
from ..tasks.read import TaskView, task_view
from ..vocabulary import label, refresh
from . import reopen, service
from .models import Case
from .service import Page

GOAL_TASKS, PROGRESS_TASKS = {"goal_agreement"}, {"evaluation", "final_evaluation"}
SYSTEM = "System"  # who did a step no person did (timers, the engine itself)


@dataclass(frozen=True)
class CaseSummary:
    """A case as lists and page headers show it; client fields only for who sees personal data."""

    id: int
    case_number: str
    pseudonym: str
    status: str
    status_label: str
    closure_reason: str | None
    closure_reason_label: str
    route: str | None
    route_label: str
    municipality: str
    team: str | None
    opened_at: datetime
    closed_at: datetime | None
    case_manager: str | None
    given_name: str | None = None
    family_name: str | None = None
    client: dict | None = None


def summary(case: Case, personal: bool, manager: str | None = None) -> CaseSummary:
    """The view of one case; the client's data only if ``personal``; ``manager``: the case manager's
    name when the caller has it already (else it is read with the case)."""
    return CaseSummary(
        id=case.id,
        case_number=case.case_number,
        pseudonym=case.pseudonym,
        status=case.status,
        status_label=label("case.status", case.status),
        closure_reason=case.closure_reason,
        closure_reason_label=label("case.closure_reason", case.closure_reason),
        route=case.route,
        route_label=label("case.route", case.route),
        municipality=case.municipality.name,
        team=case.team.name if case.team else None,
        opened_at=case.opened_at,
        closed_at=case.closed_at,
        case_manager=manager or (case.case_manager.display_name if case.case_manager else None),
        given_name=case.given_name if personal else None,
        family_name=case.family_name if personal else None,
        client=dict(case.client or {}) if personal else None,
    )


@dataclass(frozen=True)
class CaseList:
    """One page of the case list; ``personal`` says whether names are shown and searched."""

    items: list[CaseSummary]
    total: int
    page: int
    per_page: int
    personal: bool


def case_list(
    session: Session,
    *,
    user: Actor,
    status: str | None = None,
    municipality: str | None = None,
    q: str | None = None,
    page: int = 1,
    per_page: int = 25,
) -> CaseList:
    """The case list and search (web and API); each listed case is recorded."""
    refresh(session)
    found = service.list_cases(
        session, user=user, status=status, municipality=municipality, q=q, page=page, per_page=per_page
    )
    personal = sees_personal_data(user)
    return CaseList(
        [summary(c, personal) for c in found.items], found.total, found.page, found.per_page, personal
    )


@dataclass(frozen=True)
class HistoryItem:
    """One step of a case's history; the submitted form data only for who sees personal data."""

    id: int
    task_id: str | None
    bpmn_id: str | None
    name: str | None
    title: str
    readable: bool
    kind: str
    state: str
    state_label: str
    lane: str | None
    at: datetime
    user_id: int | None
    who: str
    data: dict | None


def _history(session: Session, case_id: int, personal: bool, page: int, per_page: int) -> Page:
    """A page of the case's history, oldest first; form data is not even decrypted for the others."""
    refresh(session)  # labels of form versions deployed since the last reading
    found = service.history(session, case_id, page=page, per_page=per_page, with_data=personal)
    entries = found.items
    names = display_names(session, {e.user_id for e in entries if e.user_id})
    items = [
        HistoryItem(
            id=e.id,
            task_id=e.task_id,
            bpmn_id=e.bpmn_id,
            name=e.name,
            title=title(e),
            readable=shown(e),
            kind=e.kind,
            state=e.state,
            state_label=state_label(e),
            lane=e.lane,
            at=e.at,
            user_id=e.user_id,
            who=names.get(e.user_id, SYSTEM) if e.user_id else SYSTEM,
            data=e.data if personal else None,
        )
        for e in entries
    ]
    return Page(items, found.total, page, per_page)


def _open_tasks(session: Session, case_id: int) -> list[TaskView]:
    return [task_view(t) for t in service.open_tasks(session, case_id)]


@dataclass(frozen=True)
class CaseDetail:
    """The API's case resource: the case, its open tasks and the latest history."""

    case: CaseSummary
    open_tasks: list[TaskView]
    history: list[HistoryItem]
    history_total: int


def case_detail(session: Session, *, user: Actor, case_id: int, history_per_page: int = 100) -> CaseDetail:
    """A case with its open tasks and the first page of its history (the reading is recorded)."""
    case = service.read_case(session, user=user, case_id=case_id)
    return _detail(session, case, sees_personal_data(user), history_per_page)


def opened_case(session: Session, *, user: Actor, case: Case) -> CaseDetail:
    """The case the user has just opened (its opening is recorded already); its case manager is
    ``user``."""
    manager = user.display_name if case.case_manager_id == user.id else None
    return _detail(session, case, sees_personal_data(user), 100, manager)


def _detail(
    session: Session, case: Case, personal: bool, per_page: int, manager: str | None = None
) -> CaseDetail:
    history = _history(session, case.id, personal, 1, per_page)
    return CaseDetail(
        summary(case, personal, manager), _open_tasks(session, case.id), history.items, history.total
    )


def case_history(session: Session, *, user: Actor, case_id: int, page: int = 1, per_page: int = 100) -> Page:
    """The full history of a case, page by page (the reading is recorded)."""
    case = service.read_case(session, user=user, case_id=case_id, action="case.history")
    return _history(session, case.id, sees_personal_data(user), page, per_page)


@dataclass(frozen=True)
class ConsentLine:
    kind: str
    kind_label: str
    agency: str | None
    agency_label: str
    given_on: date
    withdrawn_at: datetime | None


@dataclass(frozen=True)
class ReferralLine:
    agency: str
    agency_label: str
    referred_on: date


@dataclass(frozen=True)
class FollowUpLine:
    status: str
    status_label: str
    due_date: date | None
    checkins_done: int  # completed check-in tasks
    outcome: str | None
    outcome_label: str
    state: str = "planning"  # due / overdue as the overview and the inbox say (engine/followups/due.py)
    state_label: str = ""
    next_due: datetime | None = None
    next_task: str | None = None
    checkins_fired: int = 0
    checkins_planned: int = 0


@dataclass(frozen=True)
class Goal:
    goal: str | None
    target_date: str | None
    status_label: str | None = None


@dataclass(frozen=True)
class CasePage:
    """The case page: header, open tasks, consents, referrals, goals, follow-ups and the history."""

    case: CaseSummary
    personal: bool
    open_tasks: list[TaskView]
    consents: list[ConsentLine]
    referrals: list[ReferralLine]
    followups: list[FollowUpLine]
    timeline: list[HistoryItem]
    goals: list[Goal] = field(default_factory=list)  # from the history: cases without goal rows (before 0016)
    goal_section: goal_read.GoalSection | None = None  # the case's goals with ids (engine/goals/read.py)
    # Closed cases: until when they can be reopened; can_reopen: now, by this user (its case manager).
    reopen: reopen.ReopenWindow | None = None
    can_reopen: bool = False


def _goals(timeline: list[HistoryItem]) -> list[Goal]:
    """The goals of the latest goal agreement with the latest status each evaluation gave them."""
    goals: dict[str | None, dict] = {}
    for item in timeline:
        data = item.data or {}
        if item.bpmn_id in GOAL_TASKS:
            goals = {
                g.get("goal"): {
                    "goal": g.get("goal"),
                    "target_date": g.get("target_date"),
                    "status_label": None,
                }
                for g in data.get("goals", [])
                if isinstance(g, dict)
            }
        elif item.bpmn_id in PROGRESS_TASKS:
            for p in data.get("progress", []) or []:
                if isinstance(p, dict) and p.get("goal") in goals:
                    goals[p["goal"]]["status_label"] = label("goal.progress", p.get("status"))
    return [Goal(**g) for g in goals.values()]


def _followup_line(f: FollowUp, work: due.OpenWork, now: datetime) -> FollowUpLine:
    state = due.state(f, work, now)
    return FollowUpLine(
        f.status,
        label("followup.status", f.status),
        f.due_date,
        f.checkins_done or 0,
        f.outcome,
        label("uma_followup.outcome", f.outcome),
        state,
        label("followup.state", state),
        work.next_due,
        work.next_task,
        f.checkins_fired or 0,
        f.checkins_planned or 0,
    )


def case_page(session: Session, *, user: Actor, case_id: int) -> CasePage:
    """The case page; records the case, consent register and history readings."""
    case = service.read_case(session, user=user, case_id=case_id)
    consents = register.read(session, user=user, case_id=case_id)
    personal = sees_personal_data(user)
    timeline = _history(session, case.id, personal, 1, 200)
    record(session, user, case_event("case.history", case, detail={"personal_data": personal}))
    referrals = session.scalars(
        select(Referral).where(Referral.case_id == case.id).order_by(Referral.referred_on)
    )
    follow = list(session.scalars(select(FollowUp).where(FollowUp.case_id == case.id).order_by(FollowUp.id)))
    work = due.open_work(session, [f.instance_id for f in follow])
    now = utcnow()
    span = reopen.window(session, case)
    goal_section = goal_read.case_section(session, user=user, case=case)
    return CasePage(
        case=summary(case, personal),
        personal=personal,
        open_tasks=_open_tasks(session, case.id),
        consents=[
            ConsentLine(
                c.kind,
                label("consent.kind", c.kind),
                c.agency,
                label("consent.agency", c.agency),
                c.given_on,
                c.withdrawn_at,
            )
            for c in consents
        ],
        referrals=[
            ReferralLine(r.agency, label("consent.agency", r.agency), r.referred_on) for r in referrals
        ],
        followups=[_followup_line(f, work.get(f.instance_id, due.NOTHING_OPEN), now) for f in follow],
        timeline=[e for e in timeline.items if e.readable],
        goals=_goals(timeline.items) if personal and not goal_section.goals else [],
        goal_section=goal_section,
        reopen=span,
        can_reopen=span is not None and span.open_now and case.case_manager_id == user.id,
    )


@dataclass(frozen=True)
class Place:
    key: str
    name: str


def new_case_places(session: Session, *, user: Actor) -> list[Place]:
    """Where the user may open a case: her municipality, or every one with case management for a team."""
    cond = [Municipality.tenant_id == user.tenant_id, Municipality.has_case_management.is_(True)]
    if user.team_id is None:
        cond.append(Municipality.id == user.municipality_id)
    rows = session.execute(
        select(Municipality.key, Municipality.name).where(*cond).order_by(Municipality.name)
    )
    return [Place(k, n) for k, n in rows]
