"""The agency's workspace: its inbox of referrals and one referral's page (read models, audited).

Only referrals addressed to the user's agency (role ``authority``, same tenant) are listed or shown;
another agency's referral is the same 404 as a missing id. The addressed agency sees the client's name,
the members the referral is for and its reason (the release towards it allows that); it also sees the
questions it asked and the case manager's replies. A referral is overdue when its reminder fell due
without an answer: the status ``no_answer`` or a due day before today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case as when
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..agencies.service import agency_name
from ..audit.service import case_event, record
from ..cases.models import Case
from ..clock import today_berlin
from ..consents.models import IN_PROGRESS, NO_ANSWER, OPEN_STATUSES, QUESTION, Referral
from ..db import begin_write
from ..errors import InvalidInput
from ..households.models import Member
from ..instances.models import RUNNING, ProcessInstance
from ..vocabulary import label, labels
from .actions import FINAL, addressed, require_agency_user
from .projection import STATUSES, dialogue
from .service import CHECK_RESULTS, DECLINE_REASONS, NEEDS

SORTS = ("due", "sent", "status")
FILTERS = (*STATUSES, "open")
LIMIT = 200


@dataclass(frozen=True)
class InboxRow:
    id: int
    case_number: str
    client_name: str
    need_label: str
    status: str
    status_label: str
    referred_on: date
    due_on: date | None
    overdue: bool
    answered_at: datetime | None


@dataclass(frozen=True)
class Inbox:
    agency: str
    agency_name: str
    rows: list[InboxRow]
    total: int
    status: str | None
    overdue_only: bool
    sort: str
    statuses: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Exchange:
    question: str
    asked_at: str | None
    reply: str | None
    replied_at: str | None


@dataclass(frozen=True)
class AgencyReferral:
    """One referral as its agency sees it, with the actions open to it now."""

    id: int
    agency: str
    agency_name: str
    case_number: str
    client_name: str
    birth_date: str | None
    members: list[str]
    need_label: str
    reason: str | None
    status: str
    status_label: str
    referred_on: date
    due_on: date | None
    overdue: bool
    answered_at: datetime | None
    answer_text: str | None
    check_result: str | None
    check_result_label: str | None
    decline_reason: str | None
    decline_reason_label: str | None
    dialogue: list[Exchange]
    can_accept: bool
    can_ask: bool
    can_answer: bool
    check_results: dict[str, str] = field(default_factory=dict)
    decline_reasons: dict[str, str] = field(default_factory=dict)


def _overdue(r: Referral, today: date) -> bool:
    return r.status == NO_ANSWER or (r.status in OPEN_STATUSES and r.due_on is not None and r.due_on < today)


def agency_inbox(
    session: Session, *, user: Actor, status: str | None = None, overdue: bool = False, sort: str = "due"
) -> Inbox:
    """The referrals addressed to the user's agency, filtered and sorted (each listed case is recorded)."""
    begin_write(session)
    if status not in (None, "", *FILTERS):
        raise InvalidInput("Unbekannter Status.", errors={"status": ["Unbekannter Status."]})
    if sort not in SORTS:
        raise InvalidInput("Unbekannte Sortierung.", errors={"sort": ["Bitte due, sent oder status wählen."]})
    require_agency_user(user)
    today = today_berlin()
    cond = [Referral.tenant_id == user.tenant_id, Referral.agency == user.agency]
    if status == "open":
        cond.append(Referral.status.in_(OPEN_STATUSES))
    elif status:
        cond.append(Referral.status == status)
    if overdue:
        cond.append(
            or_(
                Referral.status == NO_ANSWER,
                Referral.status.in_(OPEN_STATUSES) & (Referral.due_on < today),
            )
        )
    order = {
        "due": (when((Referral.due_on.is_(None), 1), else_=0), Referral.due_on, Referral.id),
        "sent": (Referral.referred_on.desc(), Referral.id.desc()),
        "status": (Referral.status, Referral.referred_on.desc(), Referral.id.desc()),
    }[sort]
    total = session.scalar(select(func.count()).select_from(Referral).where(*cond)) or 0
    rows = session.execute(
        select(Referral, Case)
        .join(Case, Case.id == Referral.case_id)
        .where(*cond)
        .order_by(*order)
        .limit(LIMIT)
    ).all()
    record(session, user, *(case_event("referral.list", c, detail={"referral_id": r.id}) for r, c in rows))
    return Inbox(
        agency=user.agency or "",
        agency_name=agency_name(session, user.tenant_id, user.agency or ""),
        rows=[
            InboxRow(
                id=r.id,
                case_number=c.case_number,
                client_name=f"{c.given_name} {c.family_name}",
                need_label=label(NEEDS, r.need) if r.need else "–",
                status=r.status,
                status_label=label("referral.status", r.status),
                referred_on=r.referred_on,
                due_on=r.due_on,
                overdue=_overdue(r, today),
                answered_at=r.answered_at,
            )
            for r, c in rows
        ],
        total=total,
        status=status or None,
        overdue_only=overdue,
        sort=sort,
        statuses=labels("referral.status"),
    )


def _members(session: Session, ids: list) -> list[str]:
    wanted = [i for i in ids or [] if isinstance(i, int)]
    if not wanted:
        return []
    found = {
        m.id: f"{m.given_name} {m.family_name}"
        for m in session.scalars(select(Member).where(Member.id.in_(wanted)))
    }
    return [found.get(i, "–") for i in wanted]


def agency_referral(session: Session, *, user: Actor, referral_id: int) -> AgencyReferral:
    """One referral of the user's agency with its questions and the actions open now (the reading is
    recorded); 404 for any other referral."""
    begin_write(session)
    row, case = addressed(session, user, referral_id)
    running = (
        row.instance_id is not None
        and session.scalar(select(ProcessInstance.status).where(ProcessInstance.id == row.instance_id))
        == RUNNING
    )
    record(session, user, case_event("referral.read", case, detail={"referral_id": row.id}))
    open_now = running and row.status not in FINAL
    return AgencyReferral(
        id=row.id,
        agency=row.agency,
        agency_name=agency_name(session, row.tenant_id, row.agency),
        case_number=case.case_number,
        client_name=f"{case.given_name} {case.family_name}",
        birth_date=(case.client or {}).get("birth_date"),
        members=_members(session, row.member_ids or []),
        need_label=label(NEEDS, row.need) if row.need else "–",
        reason=row.reason,
        status=row.status,
        status_label=label("referral.status", row.status),
        referred_on=row.referred_on,
        due_on=row.due_on,
        overdue=_overdue(row, today_berlin()),
        answered_at=row.answered_at,
        answer_text=row.answer_text,
        check_result=row.check_result,
        check_result_label=label(CHECK_RESULTS, row.check_result) if row.check_result else None,
        decline_reason=row.decline_reason,
        decline_reason_label=label(DECLINE_REASONS, row.decline_reason) if row.decline_reason else None,
        dialogue=[
            Exchange(str(d.get("question") or ""), d.get("asked_at"), d.get("reply"), d.get("replied_at"))
            for d in dialogue(row)
        ],
        can_accept=open_now and row.status not in (QUESTION, IN_PROGRESS),
        can_ask=open_now and row.status != QUESTION,
        can_answer=open_now,
        check_results=labels(CHECK_RESULTS),
        decline_reasons=labels(DECLINE_REASONS),
    )
