"""Follow-up screens and resources, read in one place: one read function per screen (the follow-up
page, the dashboard's list) and per API resource (the overview, a follow-up just started).

Scope and the audit record come from the follow-up service; here the rows become ready-to-show views
with labels, and the client's name and case number only for who sees personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import can_read_cases, sees_personal_data
from ..cases.models import Case
from ..clock import today_berlin
from ..org.models import Municipality, Team
from ..org.service import filter_id
from ..vocabulary import label
from . import due, service
from .models import FollowUp


@dataclass(frozen=True)
class FollowUpView:
    """A follow-up as overviews show it."""

    id: int
    case_id: int
    case_number: str | None  # only for who sees personal data
    pseudonym: str
    client_name: str | None  # only for who sees personal data
    municipality: str
    team: str | None
    state: str
    state_label: str
    responsible: str | None
    responsible_person: str | None
    placement_kind: str | None
    start_date: date | None
    due_date: date | None
    next_due: datetime | None  # the earliest due time of its open tasks (as the inbox shows them)
    next_task: str | None  # that task's title ("Rückmeldung März 2027")
    checkins_done: int  # completed check-in tasks
    checkins_fired: int  # check-in tasks created so far
    checkins_planned: int
    outcome: str | None
    outcome_label: str
    completed_at: datetime | None


def _view(
    f: FollowUp,
    case: Case,
    municipality: str,
    team: str | None,
    state: str,
    personal: bool,
    work: due.OpenWork = due.NOTHING_OPEN,
) -> FollowUpView:
    return FollowUpView(
        id=f.id,
        case_id=f.case_id,
        case_number=case.case_number if personal else None,
        pseudonym=case.pseudonym,
        client_name=f"{case.given_name} {case.family_name}" if personal else None,
        municipality=municipality,
        team=team,
        state=state,
        state_label=label("followup.state", state),
        responsible=f.responsible,
        responsible_person=f.responsible_person,
        placement_kind=f.placement_kind,
        start_date=f.start_date,
        due_date=f.due_date,
        next_due=work.next_due,
        next_task=work.next_task,
        checkins_done=f.checkins_done or 0,
        checkins_fired=f.checkins_fired or 0,
        checkins_planned=f.checkins_planned or 0,
        outcome=f.outcome,
        outcome_label=label("uma_followup.outcome", f.outcome),
        completed_at=f.completed_at,
    )


@dataclass(frozen=True)
class Overview:
    """Follow-ups due (or done), with counts by state and outcome."""

    today: date
    counts: dict
    items: list[FollowUpView]


def overview(
    session: Session,
    *,
    user: Actor,
    within_days: int = 30,
    include: str = "open",
    team: str | None = None,
    municipality: str | None = None,
) -> Overview:
    """Follow-ups due within ``within_days`` and every overdue one, or the completed ones (recorded)."""
    can_read_cases(user)  # the role first: a refused role learns nothing about the filters
    # An unknown team or municipality matches nothing (an empty list, as documented), not a 422.
    team_id = filter_id(session, user.tenant_id, Team, team) if team else None
    place_id = filter_id(session, user.tenant_id, Municipality, municipality) if municipality else None
    items = service.overview(
        session,
        user=user,
        within_days=within_days,
        include=include,
        team_id=team_id,
        municipality_id=place_id,
    )
    personal = sees_personal_data(user)
    return Overview(
        today_berlin(),
        service.summary(items),
        [_view(i.followup, i.case, i.municipality, i.team, i.state, personal, i.work) for i in items],
    )


def started(session: Session, *, user: Actor, followup: FollowUp) -> FollowUpView:
    """The follow-up the user has just started (its start is recorded already)."""
    case = session.get_one(Case, followup.case_id)
    return _view(
        followup,
        case,
        case.municipality.name,
        case.team.name if case.team else None,
        "planning",
        sees_personal_data(user),
    )
