"""The case page's section „Angebote und Lücken“ (case managers of the case only): the goals and
referrals to pick offers for, the offers picked, the gaps recorded, and a directory search for one
goal (its life area and the case's municipality by default)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import sees_personal_data
from ..cases.models import OPEN
from ..cases.service import get_case
from ..consents.models import Referral
from ..goals.models import DROPPED
from ..goals.service import goals_of
from ..org.models import Municipality
from ..vocabulary import label, labels
from .casework import GAP_REASONS, gaps_of, links_of
from .fields import LIFE_AREAS
from .gap_read import GapView, gap_view
from .read import Choice, Query, SearchResult, choices, search


@dataclass(frozen=True)
class Target:
    """A goal or a referral of the case: ``key`` is ``goal:<id>`` or ``referral:<id>``."""

    key: str
    title: str
    life_area: str | None
    offers: list[str]


@dataclass(frozen=True)
class CaseOffers:
    targets: list[Target]
    gaps: list[GapView]
    can_change: bool
    choices: dict[str, list[Choice]]
    reasons: list[Choice]
    query: Query | None
    target: str | None  # the goal or referral searched for
    found: SearchResult | None


def case_offers(
    session: Session, *, user: Actor, case_id: int, target: str | None = None, query: Query | None = None
) -> CaseOffers | None:
    """The section for the case's case manager (None for everyone else: no personal data shown)."""
    if not sees_personal_data(user):
        return None
    case = get_case(session, user=user, case_id=case_id)
    linked: dict[str, list[str]] = {}
    for link, offer in links_of(session, case.id):
        key = f"goal:{link.goal_id}" if link.goal_id else f"referral:{link.referral_id}"
        linked.setdefault(key, []).append(f"{offer.title} ({offer.provider})")
    targets = [
        Target(f"goal:{g.id}", f"Ziel: {g.text}", g.life_area, linked.get(f"goal:{g.id}", []))
        for g in goals_of(session, case.id)
        if g.status != DROPPED
    ]
    stmt = select(Referral).where(Referral.case_id == case.id).order_by(Referral.id)
    referrals = session.scalars(stmt).all()
    targets += [
        Target(
            f"referral:{r.id}",
            f"Verweisung: {label('consent.agency', r.agency)} ({label(LIFE_AREAS, r.need) or '–'})",
            r.need,
            linked.get(f"referral:{r.id}", []),
        )
        for r in referrals
    ]
    place = session.get_one(Municipality, case.municipality_id)
    found = None
    if query is not None:
        query = Query(
            life_area=query.life_area,
            language=query.language,
            target_group=query.target_group,
            municipality=query.municipality or place.key,
            limit=10,
        )
        found = search(session, user=user, query=query)
    return CaseOffers(
        targets=targets,
        gaps=[gap_view(g, place.name) for g in gaps_of(session, case.id)],
        can_change=case.status == OPEN,
        choices=choices(session, user=user),
        reasons=[Choice(c, t) for c, t in labels(GAP_REASONS).items()],
        query=query,
        target=target,
        found=found,
    )
