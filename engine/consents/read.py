"""Referral resources, read in one place: one read function per screen and resource (the referral list,
one referral with its reason).

Scope and the audit record come from the referral service; here the rows become ready-to-show views
with the agency's label, and the client's name, birth date and the reason only for the case manager
and the addressed agency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..agencies.service import agency_names
from ..cases.models import Case
from ..cases.service import Page
from ..vocabulary import label
from . import referrals as service
from .models import Referral


@dataclass(frozen=True)
class ReferralView:
    """A referral as its readers see it."""

    id: int
    case_id: int
    pseudonym: str
    agency: str
    agency_name: str
    referred_on: date
    client_name: str | None = None
    birth_date: str | None = None
    reason: str | None = None


def _view(
    referral: Referral, case: Case, personal: bool, data: dict | None = None, names: dict | None = None
) -> ReferralView:
    out = ReferralView(
        referral.id,
        case.id,
        case.pseudonym,
        referral.agency,
        (names or {}).get(referral.agency) or label("referral.agency", referral.agency),
        referral.referred_on,
    )
    if not personal:
        return out
    return ReferralView(
        out.id,
        out.case_id,
        out.pseudonym,
        out.agency,
        out.agency_name,
        out.referred_on,
        client_name=f"{case.given_name} {case.family_name}",
        birth_date=(case.client or {}).get("birth_date"),
        reason=data.get("reason") if data is not None else None,
    )


def referral_list(
    session: Session, *, user: Actor, agency: str | None = None, page: int = 1, per_page: int = 25
) -> Page:
    """Referrals the user may see, newest first (each listed case is recorded)."""
    found = service.list_referrals(session, user=user, agency=agency, page=page, per_page=per_page)
    personal = service.sees_client(user)
    names = agency_names(session, user.tenant_id)
    return Page(
        [_view(r, c, personal, names=names) for r, c in found.items], found.total, found.page, found.per_page
    )


def referral_detail(session: Session, *, user: Actor, referral_id: int) -> ReferralView:
    """One referral with its reason (the reading is recorded)."""
    referral, case, data = service.read_referral(session, user=user, referral_id=referral_id)
    return _view(referral, case, service.sees_client(user), data, agency_names(session, case.tenant_id))
