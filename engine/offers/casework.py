"""Offers in case work: pick an offer of the directory for a goal or a referral, or record
"kein passendes Angebot" (a gap) with the need and the reason.

A gap names the case only by its pseudonym in every read, no household member and no free text from
the case: the need (a life area of the assessment) and a reason from a fixed list. Only the case's
case managers, on an open case. Nothing here commits.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import require_case_manager
from ..audit.service import case_event, record
from ..cases.models import OPEN, Case
from ..cases.service import get_case
from ..clock import today_berlin, utcnow
from ..consents.models import Referral
from ..db import begin_write
from ..errors import Conflict, InvalidInput
from ..goals.models import DROPPED, Goal
from ..reports.events import school_year_of
from ..vocabulary import labels
from .fields import LIFE_AREAS
from .models import Offer, OfferGap, OfferLink

GAP_REASONS = "final_evaluation.structural_gaps.reason"  # one list for the form and the case page
GOAL, REFERRAL, FINAL, CASE = "goal", "referral", "final_evaluation", "case"


def _open_case(session: Session, user: Actor, case_id: int) -> Case:
    require_case_manager(user)
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    if case.status != OPEN:
        raise Conflict("Der Fall ist abgeschlossen.", kind="case-closed")
    return case


def _target(
    session: Session, case: Case, goal_id: int | None, referral_id: int | None
) -> tuple[Goal | None, Referral | None]:
    """The goal or the referral of this case (exactly one of them; German 422 naming the field)."""
    if (goal_id is None) == (referral_id is None):
        message = "Bitte ein Ziel oder eine Verweisung des Falls wählen."
        raise InvalidInput(message, errors={"goal_id": [message]})
    if goal_id is not None:
        goal = session.get(Goal, goal_id)
        if goal is None or goal.case_id != case.id or goal.status == DROPPED:
            raise InvalidInput(
                "Unbekanntes Ziel.", errors={"goal_id": ["Dieses Ziel gibt es in diesem Fall nicht."]}
            )
        return goal, None
    referral = session.get(Referral, referral_id)
    if referral is None or referral.case_id != case.id:
        raise InvalidInput(
            "Unbekannte Verweisung.",
            errors={"referral_id": ["Diese Verweisung gibt es in diesem Fall nicht."]},
        )
    return None, referral


def link_offer(
    session: Session,
    *,
    user: Actor,
    case_id: int,
    offer_id: int,
    goal_id: int | None = None,
    referral_id: int | None = None,
) -> OfferLink:
    """Pick a current offer of the directory for a goal or a referral of an open case."""
    case = _open_case(session, user, case_id)
    goal, referral = _target(session, case, goal_id, referral_id)
    offer = session.get(Offer, offer_id)
    if offer is None or offer.tenant_id != case.tenant_id or offer.retired_at is not None:
        raise InvalidInput(
            "Unbekanntes Angebot.", errors={"offer_id": ["Dieses Angebot gibt es nicht (mehr)."]}
        )
    link = OfferLink(
        tenant_id=case.tenant_id,
        case_id=case.id,
        offer_id=offer.id,
        goal_id=goal.id if goal else None,
        referral_id=referral.id if referral else None,
        linked_by_id=user.id,
        linked_at=utcnow(),
    )
    session.add(link)
    session.flush()
    detail = {"offer_id": offer.id, "goal_id": link.goal_id, "referral_id": link.referral_id}
    record(session, user, case_event("offer.link", case, detail=detail))
    return link


def new_gap(
    case: Case, *, life_area: str, reason: str, source: str, on: date, now: datetime, user_id: int | None
) -> OfferGap:
    """A gap row of ``case`` (values already checked)."""
    return OfferGap(
        tenant_id=case.tenant_id,
        case_id=case.id,
        pseudonym=case.pseudonym,
        municipality_id=case.municipality_id,
        school_year=school_year_of(on),
        life_area=life_area,
        reason=reason,
        source=source,
        recorded_on=on,
        recorded_by_id=user_id,
        created_at=now,
    )


def record_gap(
    session: Session,
    *,
    user: Actor,
    case_id: int,
    life_area: str | None,
    reason: str,
    goal_id: int | None = None,
    referral_id: int | None = None,
) -> OfferGap:
    """ "Kein passendes Angebot": the need (life area; a goal's or referral's own when not given) and why."""
    case = _open_case(session, user, case_id)
    goal = referral = None
    if goal_id is not None or referral_id is not None:
        goal, referral = _target(session, case, goal_id, referral_id)
    need = life_area or (goal.life_area if goal else referral.need if referral else None)
    errors: dict[str, list[str]] = {}
    if need not in labels(LIFE_AREAS):
        errors["life_area"] = ["Bitte den Bedarf (Lebensbereich) wählen."]
    if reason not in labels(GAP_REASONS):
        errors["reason"] = ["Bitte einen Grund aus der Liste wählen."]
    if errors:
        raise InvalidInput("Der Eintrag „kein passendes Angebot“ ist unvollständig.", errors=errors)
    source = GOAL if goal else REFERRAL if referral else CASE
    gap = new_gap(
        case,
        life_area=str(need),
        reason=reason,
        source=source,
        on=today_berlin(),
        now=utcnow(),
        user_id=user.id,
    )
    gap.goal_id, gap.referral_id = (goal.id if goal else None), (referral.id if referral else None)
    session.add(gap)
    session.flush()
    record(session, user, case_event("offer.gap", case, detail={"gap_id": gap.id, "life_area": need}))
    return gap


def links_of(session: Session, case_id: int) -> list[tuple[OfferLink, Offer]]:
    """The offers picked in a case, oldest first."""
    return list(
        session.execute(
            select(OfferLink, Offer)
            .join(Offer, Offer.id == OfferLink.offer_id)
            .where(OfferLink.case_id == case_id)
            .order_by(OfferLink.id)
        ).tuples()
    )


def gaps_of(session: Session, case_id: int) -> list[OfferGap]:
    """The case's gap records, oldest first."""
    return list(session.scalars(select(OfferGap).where(OfferGap.case_id == case_id).order_by(OfferGap.id)))
