"""The coordinators' overview of referrals per agency and school year, and raising it as a topic.

Per agency of the tenant, the referrals sent in the school year (1 August - 31 July, by the referral's
date): how many were answered, the median days from sending to the answer, how many were overdue (the
reminder fell due without an answer), how many were declined, and the declines by reason. No names,
no cases: counts only, and small counts (1 .. min_count-1, as in the programme figures) are shown as
suppressed (None); the median only from min_count answers on. One action raises an agency's row as a
structural topic (engine/escalations: the interface between case management and the agency) with the
counts in its description and no personal data. Every reading and raising is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..agencies.service import agencies_of
from ..audit.service import Event, record
from ..clock import BERLIN
from ..consents.models import ANSWERED, DECLINED, Referral
from ..db import begin_write
from ..errors import Forbidden, InvalidInput
from ..escalations.models import Topic
from ..escalations.service import raise_topic
from ..org.models import Municipality
from ..reports.events import school_year_bounds
from ..vocabulary import label, labels
from .service import DECLINE_REASONS

READERS = {"coordinator", "steering"}
RAISERS = {"coordinator"}
# The agency's kind -> the topic's category (life area) when its row is raised as a topic.
CATEGORY = {
    "foreigners_authority": "residence",
    "naturalisation_authority": "residence",
    "jobcenter": "work",
    "employment_agency": "work",
    "school": "education",
    "health_services": "health",
}


@dataclass(frozen=True)
class AgencyFigures:
    """One agency's row; None: a small count, suppressed."""

    agency: str
    agency_name: str
    sent: int | None
    answered: int | None
    median_days: float | None
    overdue: int | None
    declined: int | None
    declined_by_reason: dict[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Overview:
    school_year: str
    min_count: int
    rows: list[AgencyFigures]
    reasons: dict[str, str]


def _shown(n: int, min_count: int) -> int | None:
    return None if 0 < n < min_count else n


def _counts(rows: list[Referral]) -> dict:
    answered = [r for r in rows if r.status == ANSWERED and r.answered_at is not None]
    declined = [r for r in rows if r.status == DECLINED]
    reasons: dict[str, int] = {}
    for r in declined:
        reasons[r.decline_reason or "unknown"] = reasons.get(r.decline_reason or "unknown", 0) + 1
    days = [
        max(0, (r.answered_at.astimezone(BERLIN).date() - r.referred_on).days)
        for r in answered
        if r.answered_at is not None
    ]
    return {
        "sent": len(rows),
        "answered": len(answered),
        "days": days,
        "overdue": sum(1 for r in rows if r.reminded_at is not None),
        "declined": len(declined),
        "reasons": reasons,
    }


def _row(code: str, name: str, c: dict, min_count: int) -> AgencyFigures:
    return AgencyFigures(
        agency=code,
        agency_name=name,
        sent=_shown(c["sent"], min_count),
        answered=_shown(c["answered"], min_count),
        median_days=float(median(c["days"])) if len(c["days"]) >= min_count else None,
        overdue=_shown(c["overdue"], min_count),
        declined=_shown(c["declined"], min_count),
        declined_by_reason=_by_reason(c["reasons"], min_count),
    )


def _by_reason(reasons: dict[str, int], min_count: int) -> dict[str, int | None]:
    """Declines per reason, small ones hidden; where exactly one is hidden, the next smallest too, so the
    total of declines cannot give it away (as the programme figures do)."""
    out: dict[str, int | None] = {k: _shown(n, min_count) for k, n in sorted(reasons.items())}
    if sum(1 for v in out.values() if v is None) == 1:
        shown = sorted((n, k) for k, n in out.items() if n is not None and n > 0)
        if shown:
            out[shown[0][1]] = None
    return out


def _require(user: Actor, roles: set[str]) -> None:
    if user.role not in roles:
        raise Forbidden(
            "Die Übersicht der Verweisungen sehen die koordinierenden Stellen und die Lenkungsgruppe."
        )


def _figures(session: Session, tenant_id: int, school_year: str, min_count: int) -> dict[str, dict]:
    first, last = school_year_bounds(school_year)
    rows = session.scalars(
        select(Referral).where(
            Referral.tenant_id == tenant_id, Referral.referred_on >= first, Referral.referred_on <= last
        )
    ).all()
    by_agency: dict[str, list[Referral]] = {}
    for r in rows:
        by_agency.setdefault(r.agency, []).append(r)
    return {code: _counts(found) for code, found in by_agency.items()}


def referral_overview(session: Session, *, user: Actor, school_year: str, min_count: int = 3) -> Overview:
    """Per agency with referrals in the school year, its figures (pseudonymised, small counts hidden)."""
    _require(user, READERS)
    begin_write(session)
    counts = _figures(session, user.tenant_id, school_year, min_count)
    names = {a.code: a.name for a in agencies_of(session, user.tenant_id)}
    rows = [_row(code, names.get(code, code), c, min_count) for code, c in counts.items()]
    rows.sort(key=lambda r: r.agency_name.casefold())
    record(session, user, Event("referral.overview", "report", detail={"school_year": school_year}))
    return Overview(school_year, min_count, rows, labels(DECLINE_REASONS))


def _number(value, min_count: int) -> str:
    return f"weniger als {min_count}" if value is None else str(value)


def _description(f: AgencyFigures, school_year: str, reasons: dict[str, str], min_count: int) -> str:
    lines = [
        f"Verweisungen an {f.agency_name} im Schuljahr {school_year} (Übersicht der koordinierenden Stelle, "
        "ohne personenbezogene Daten):",
        f"- gesendet: {_number(f.sent, min_count)}",
        f"- beantwortet: {_number(f.answered, min_count)}",
        "- Median Tage bis zur Antwort: "
        + ("zu wenige Antworten" if f.median_days is None else f"{f.median_days:g}"),
        f"- überfällig (Frist ohne Antwort abgelaufen): {_number(f.overdue, min_count)}",
        f"- abgelehnt: {_number(f.declined, min_count)}",
    ]
    lines += [
        f"  - {reasons.get(code, 'ohne Angabe')}: {_number(n, min_count)}"
        for code, n in f.declined_by_reason.items()
    ]
    return "\n".join(lines)


def raise_agency_topic(
    session: Session,
    *,
    user: Actor,
    agency: str,
    school_year: str,
    municipality: str | None = None,
    min_count: int = 3,
) -> Topic:
    """Raise one agency's row of the overview as a structural topic, the counts attached (no personal
    data); the topic goes to the local body of ``municipality`` (default: the user's, else the first
    of the county by name)."""
    _require(user, RAISERS)
    begin_write(session)
    counts = _figures(session, user.tenant_id, school_year, min_count)
    if agency not in counts:
        raise InvalidInput(
            "Zu dieser Stelle gibt es im Schuljahr keine Verweisungen.",
            errors={"agency": ["Keine Verweisungen an diese Stelle im Schuljahr."]},
        )
    info = {a.code: a for a in agencies_of(session, user.tenant_id)}.get(agency)
    name = info.name if info else agency
    figures = _row(agency, name, counts[agency], min_count)
    place = municipality or _default_place(session, user)
    topic = raise_topic(
        session,
        user=user,
        title=f"Verweisungen an {name}: Rückmeldungen im Schuljahr {school_year}"[:200],
        category=CATEGORY.get(info.kind if info else agency, "other"),
        municipality=place,
        description=_description(figures, school_year, labels(DECLINE_REASONS), min_count),
    )
    record(
        session,
        user,
        Event(
            "referral.overview.topic",
            "topic",
            topic.id,
            detail={
                "agency": agency,
                "school_year": school_year,
                "category": label("topic.category", topic.category),
            },
        ),
    )
    return topic


def _default_place(session: Session, user: Actor) -> str:
    places = session.scalars(
        select(Municipality).where(Municipality.tenant_id == user.tenant_id).order_by(Municipality.name)
    ).all()
    own = next((p for p in places if p.id == user.municipality_id), None)
    chosen = own or (places[0] if places else None)
    if chosen is None:
        raise InvalidInput("Keine Gemeinde.", errors={"municipality": ["Bitte eine Gemeinde wählen."]})
    return chosen.key
