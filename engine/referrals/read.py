"""A case's referrals as the case page and the API show them (one read function, audited).

Each referral with its agency's and need's labels, its status label, the day it was sent, the day its
reminder falls due while no answer came, and the answer. The members it names, its reason and the
answer's text are personal data: only who sees the case's personal data (the case manager) gets
them; pseudonymised roles see agency, need, status and dates. The case manager also sees the agency's
questions with her replies, the check result and the reason of a decline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import sees_personal_data
from ..agencies.service import agencies_of
from ..audit.service import case_event, record
from ..cases.models import OPEN
from ..cases.service import get_case
from ..consents.models import OPEN_STATUSES, Referral
from ..consents.service import active
from ..db import begin_write
from ..households.service import members_of
from ..vocabulary import label, labels
from .projection import dialogue
from .service import CHECK_RESULTS, DECLINE_REASONS, NEEDS


@dataclass(frozen=True)
class MemberName:
    id: int
    name: str


@dataclass(frozen=True)
class ReferralItem:
    """One referral of a case; ``members``, ``reason`` and ``answer_text`` only for personal readers."""

    id: int
    agency: str
    agency_name: str
    need: str | None
    need_label: str | None
    status: str
    status_label: str
    referred_on: date
    due_on: date | None
    answered_at: datetime | None
    open: bool
    member_ids: list[int] = field(default_factory=list)
    members: list[MemberName] | None = None
    reason: str | None = None
    answer_text: str | None = None
    check_result: str | None = None
    check_result_label: str | None = None
    decline_reason: str | None = None
    decline_reason_label: str | None = None
    dialogue: list[dict] | None = None


@dataclass(frozen=True)
class Choice:
    code: str
    label: str


@dataclass(frozen=True)
class CaseReferrals:
    """The case page's referral section: the referrals and, for its case manager, what the form offers."""

    items: list[ReferralItem]
    personal: bool
    can_send: bool = False
    agencies: list[Choice] = field(default_factory=list)
    needs: list[Choice] = field(default_factory=list)
    members: list[MemberName] = field(default_factory=list)


def _item(r: Referral, names: dict[int, str] | None, agencies: dict[str, str]) -> ReferralItem:
    ids = [i for i in (r.member_ids or []) if isinstance(i, int)]
    return ReferralItem(
        id=r.id,
        agency=r.agency,
        agency_name=agencies.get(r.agency) or label("consent.agency", r.agency),
        need=r.need,
        need_label=label(NEEDS, r.need) if r.need else None,
        status=r.status,
        status_label=label("referral.status", r.status),
        referred_on=r.referred_on,
        due_on=r.due_on,
        answered_at=r.answered_at,
        open=r.status in OPEN_STATUSES,
        member_ids=ids,
        members=[MemberName(i, names.get(i, "–")) for i in ids] if names is not None else None,
        reason=r.reason if names is not None else None,
        answer_text=r.answer_text if names is not None else None,
        check_result=r.check_result,
        check_result_label=label(CHECK_RESULTS, r.check_result) if r.check_result else None,
        decline_reason=r.decline_reason,
        decline_reason_label=label(DECLINE_REASONS, r.decline_reason) if r.decline_reason else None,
        dialogue=dialogue(r) if names is not None else None,
    )


def case_referrals(session: Session, *, user: Actor, case_id: int) -> CaseReferrals:
    """The case's referrals, oldest first (the reading is recorded)."""
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    personal = sees_personal_data(user)
    rows = list(
        session.scalars(
            select(Referral).where(Referral.case_id == case.id).order_by(Referral.referred_on, Referral.id)
        )
    )
    record(
        session,
        user,
        case_event("referral.list", case, detail={"count": len(rows), "personal_data": personal}),
    )
    household = members_of(session, case.id, current_only=False) if personal else []
    names = {m.id: f"{m.given_name} {m.family_name}" for m in household} if personal else None
    can_send = (
        user.role == "case_manager"
        and case.status == OPEN
        and any(c.kind == "data_processing" for c in active(session, case.id))
    )
    tenant_agencies = agencies_of(session, case.tenant_id)
    agency_names = {a.code: a.name for a in tenant_agencies}
    return CaseReferrals(
        items=[_item(r, names, agency_names) for r in rows],
        personal=personal,
        can_send=can_send,
        agencies=[Choice(a.code, a.name) for a in tenant_agencies] if can_send else [],
        needs=[Choice(code, text) for code, text in labels(NEEDS).items()] if can_send else [],
        members=[MemberName(m.id, f"{m.given_name} {m.family_name}") for m in household if m.left_at is None]
        if can_send
        else [],
    )
