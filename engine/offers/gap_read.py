"""Gap records as people read them: by the case's pseudonym, never its id, name or anything else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import can_read_cases, scope_filter
from ..cases.models import Case
from ..cases.service import get_case
from ..org.models import Municipality
from ..reports.events import school_year_bounds
from ..vocabulary import label
from .casework import GAP_REASONS, gaps_of, links_of
from .fields import LIFE_AREAS
from .models import OfferGap


@dataclass(frozen=True)
class GapView:
    id: int
    pseudonym: str
    municipality: str
    school_year: str
    life_area: str
    life_area_label: str
    reason: str
    reason_label: str
    source: str
    source_label: str
    recorded_on: date


def gap_view(gap: OfferGap, place: str) -> GapView:
    """One gap record (pseudonym only)."""
    return GapView(
        id=gap.id,
        pseudonym=gap.pseudonym,
        municipality=place,
        school_year=gap.school_year,
        life_area=gap.life_area,
        life_area_label=label(LIFE_AREAS, gap.life_area),
        reason=gap.reason,
        reason_label=label(GAP_REASONS, gap.reason),
        source=gap.source,
        source_label=label("offer.gap_source", gap.source),
        recorded_on=gap.recorded_on,
    )


def gap_list(
    session: Session,
    *,
    user: Actor,
    school_year: str | None = None,
    municipality: str | None = None,
    limit: int = 200,
) -> list[GapView]:
    """The gap records the user may see (county roles: the tenant's; case managers: their cases')."""
    can_read_cases(user)
    stmt = (
        select(OfferGap, Municipality.name)
        .join(Case, Case.id == OfferGap.case_id)
        .join(Municipality, Municipality.id == OfferGap.municipality_id)
        .where(
            OfferGap.tenant_id == user.tenant_id,
            scope_filter(user, Case.municipality_id, Case.team_id, Case.tenant_id),
        )
    )
    if school_year:
        school_year_bounds(school_year)
        stmt = stmt.where(OfferGap.school_year == school_year)
    if municipality:
        needle = municipality.strip().casefold()
        stmt = stmt.where((Municipality.key == needle) | (Municipality.name == municipality.strip()))
    rows = session.execute(stmt.order_by(OfferGap.id.desc()).limit(max(1, min(limit, 1000)))).all()
    return [gap_view(g, name) for g, name in rows]


@dataclass(frozen=True)
class LinkView:
    id: int
    offer_id: int
    offer_title: str
    provider: str
    goal_id: int | None
    referral_id: int | None
    linked_at: datetime


def link_views(session: Session, *, user: Actor, case_id: int) -> list[LinkView]:
    """The offers picked in a case the user may see."""
    case = get_case(session, user=user, case_id=case_id)
    return [
        LinkView(
            link.id, offer.id, offer.title, offer.provider, link.goal_id, link.referral_id, link.linked_at
        )
        for link, offer in links_of(session, case.id)
    ]


def case_gap_views(session: Session, *, user: Actor, case_id: int) -> list[GapView]:
    """The gap records of a case the user may see."""
    case = get_case(session, user=user, case_id=case_id)
    place = session.get_one(Municipality, case.municipality_id).name
    return [gap_view(g, place) for g in gaps_of(session, case.id)]
