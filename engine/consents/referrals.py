"""Referrals as their addressees see them: authority staff only those sent to their agency; and the
consent gate every referral passes (``require_release``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import CASE_ROLES_PSEUDONYMISED, scope_filter
from ..audit.service import case_event, record
from ..cases.models import Case
from ..cases.service import Page
from ..db import begin_write
from ..errors import Forbidden, InvalidInput, NotFound
from ..households.models import Member
from ..instances.models import HistoryEntry
from .models import DATA_PROCESSING, RELEASE, Referral
from .service import active
from .service import require_release as per_member_release

NO_SUCH_REFERRAL = "Diese Verweisung gibt es nicht oder Sie haben keinen Zugriff darauf."


def _visible(user: Actor):
    """SQL condition for the referrals ``user`` may see."""
    if user.role == "authority":
        if not user.agency:
            raise Forbidden(
                "Ihrem Konto ist keine Stelle zugeordnet. Bitte an die Administration wenden.",
                kind="no-agency",
            )
        return (Referral.tenant_id == user.tenant_id) & (Referral.agency == user.agency)
    if user.role == "case_manager" or user.role in CASE_ROLES_PSEUDONYMISED:
        return scope_filter(user, Referral.municipality_id, Referral.team_id, Referral.tenant_id)
    raise Forbidden("Ihre Rolle hat keinen Zugriff auf Verweisungen.")


def sees_client(user: Actor) -> bool:
    """Who sees the client's name on a referral: the case manager and the addressed agency."""
    return user.role in ("case_manager", "authority")


def list_referrals(
    session: Session, *, user: Actor, agency: str | None = None, page: int = 1, per_page: int = 25
) -> Page:
    """Referrals visible to the user, newest first (each listed case is recorded)."""
    cond = [_visible(user)]
    begin_write(session)
    if agency:
        cond.append(Referral.agency == agency)
    total = session.scalar(select(func.count()).select_from(Referral).where(*cond)) or 0
    rows = session.execute(
        select(Referral, Case)
        .join(Case, Case.id == Referral.case_id)
        .where(*cond)
        .order_by(Referral.referred_on.desc(), Referral.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    record(session, user, *(case_event("referral.list", c, detail={"referral_id": r.id}) for r, c in rows))
    return Page([(r, c) for r, c in rows], total, page, per_page)


def read_referral(session: Session, *, user: Actor, referral_id: int) -> tuple[Referral, Case, dict]:
    """One referral with the referral form's data; 404 outside the user's view."""
    cond = _visible(user)
    begin_write(session)
    found = session.execute(
        select(Referral, Case).join(Case, Case.id == Referral.case_id).where(Referral.id == referral_id, cond)
    ).first()
    if found is None:
        raise NotFound(NO_SUCH_REFERRAL)
    referral, case = found
    data = (
        session.scalar(
            select(HistoryEntry.data)
            .where(HistoryEntry.task_id == referral.task_id, HistoryEntry.data.is_not(None))
            .limit(1)
        )
        or {}
    )
    record(session, user, case_event("referral.read", case, detail={"referral_id": referral.id}))
    return referral, case, data


def require_release(session: Session, case: Case, agency: str, member_ids, on_date: date) -> list[Member]:
    """The members ``member_ids`` names, if each may be referred to ``agency`` on ``on_date``: consent to
    data processing and a release towards the agency for that member in force on that day (a minor's
    given by the guardian; engine/consents/service.require_release); else a German 422 on
    ``member_ids``, or on ``referral_date`` when the consent and release came only after that day."""
    in_force = active(session, case.id)
    processing = [c.given_on for c in in_force if c.kind == DATA_PROCESSING]
    releases = [c.given_on for c in in_force if c.kind == RELEASE and c.agency == agency]
    if processing and releases:
        since = max(min(processing), min(releases))
        if on_date < since:
            message = (
                "Die Verweisung kann nicht vor der Einwilligung und Schweigepflichtentbindung "
                f"({since:%d.%m.%Y}) liegen."
            )
            raise InvalidInput(
                f"{message} Bitte das Datum der Verweisung prüfen.", errors={"referral_date": [message]}
            )
    return per_member_release(session, case, agency, member_ids, on_date)
