"""The Ist-/Bedarfsanalyse per municipality and school year, and raising its gaps as a structural topic.

Per municipality and life area: the needs the assessments named (cases, ``offer_needs``), the offers
of the directory serving it (the municipality's own and the county-wide ones; current, not retired)
and the "kein passendes Angebot" records (``offer_gaps``) by reason. Counts of cases from 1 to
``min_count``-1 are suppressed like the programme figures (None, shown as "<n"); offers are counted
as they are. A coordinator raises the gaps of one municipality (optionally one life area) as a topic
of the escalation path: its text holds the counts only and the path back to the figures; the counts
are kept with it (``offer_gap_topics``).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..clock import today_berlin, utcnow
from ..db import begin_write
from ..errors import Forbidden, InvalidInput
from ..escalations.models import Topic
from ..escalations.service import raise_topic
from ..org.models import Municipality, Region
from ..reports.events import school_year_bounds
from ..vocabulary import label, labels
from .casework import GAP_REASONS
from .fields import LIFE_AREAS, Places
from .models import LIFE_AREA, Offer, OfferGap, OfferGapTopic, OfferNeed, OfferTag

READERS = {"coordinator", "steering"}
# life area -> the escalation path's topic category
CATEGORY = {
    "language": "language",
    "work_training": "work",
    "housing": "housing",
    "health": "health",
    "education": "education",
    "childcare": "education",
    "residence": "residence",
}


def require_reader(user: Actor) -> None:
    """The analysis is for the coordinators and the Lenkungsgruppe."""
    if user.role not in READERS:
        raise Forbidden("Die Ist-/Bedarfsanalyse sehen die koordinierenden Stellen und die Lenkungsgruppe.")


def _hide(n: int, min_count: int) -> int | None:
    return None if 0 < n < min_count else n


def _offer_counts(session: Session, tenant_id: int, day: date) -> Counter:
    """(municipality id or None, life area) -> current offers."""
    rows = session.execute(
        select(Offer.municipality_id, OfferTag.code, func.count())
        .join(OfferTag, OfferTag.offer_id == Offer.id)
        .where(
            Offer.tenant_id == tenant_id,
            Offer.retired_at.is_(None),
            or_(Offer.valid_until.is_(None), Offer.valid_until >= day),
            OfferTag.facet == LIFE_AREA,
        )
        .group_by(Offer.municipality_id, OfferTag.code)
    ).all()
    return Counter({(m, code): n for m, code, n in rows})


def analysis(
    session: Session, *, user: Actor, school_year: str, municipality: str | None = None, min_count: int = 3
) -> dict:
    """Needs beside offers and gaps, per municipality and life area, for one school year (suppressed)."""
    require_reader(user)
    _start, end = school_year_bounds(school_year)
    places = Places.of(session, user.tenant_id)
    chosen = sorted(places.by_id.values(), key=lambda m: m.name)
    if municipality:
        row = places.by_needle.get(municipality.strip().casefold())
        if row is None:
            raise InvalidInput(
                "Unbekannte Gemeinde.",
                errors={"municipality": [f"Die Gemeinde „{municipality}“ gibt es nicht."]},
            )
        chosen = [row]
    tid = user.tenant_id
    needs = Counter(
        {
            (m, a): n
            for m, a, n in session.execute(
                select(
                    OfferNeed.municipality_id,
                    OfferNeed.life_area,
                    func.count(func.distinct(OfferNeed.case_id)),
                )
                .where(OfferNeed.tenant_id == tid, OfferNeed.school_year == school_year)
                .group_by(OfferNeed.municipality_id, OfferNeed.life_area)
            ).all()
        }
    )
    gaps = Counter(
        {
            (m, a, r): n
            for m, a, r, n in session.execute(
                select(OfferGap.municipality_id, OfferGap.life_area, OfferGap.reason, func.count())
                .where(OfferGap.tenant_id == tid, OfferGap.school_year == school_year)
                .group_by(OfferGap.municipality_id, OfferGap.life_area, OfferGap.reason)
            ).all()
        }
    )
    offers = _offer_counts(session, tid, min(end, today_berlin()))
    areas, reasons = labels(LIFE_AREAS), labels(GAP_REASONS)
    regions = dict(
        session.execute(select(Region.id, Region.name).where(Region.tenant_id == tid)).tuples().all()
    )
    out = []
    for place in chosen:
        rows = []
        for code, title in areas.items():
            by_reason = {r: gaps[(place.id, code, r)] for r in reasons}
            rows.append(
                {
                    "life_area": code,
                    "life_area_label": title,
                    "needs": _hide(needs[(place.id, code)], min_count),
                    "offers_local": offers[(place.id, code)],
                    "offers_county": offers[(None, code)],
                    "gaps": _hide(sum(by_reason.values()), min_count),
                    "gaps_by_reason": {r: _hide(n, min_count) for r, n in by_reason.items()},
                }
            )
        total = sum(n for (m, _a, _r), n in gaps.items() if m == place.id)
        out.append(
            {
                "municipality": place.key,
                "name": place.name,
                "region": regions.get(place.region_id) if place.region_id else None,
                "gaps_total": _hide(total, min_count),
                "rows": rows,
            }
        )
    county = [
        {
            "life_area": code,
            "life_area_label": title,
            "needs": _hide(sum(n for (_m, a), n in needs.items() if a == code), min_count),
            "gaps": _hide(sum(n for (_m, a, _r), n in gaps.items() if a == code), min_count),
        }
        for code, title in areas.items()
    ]
    return {
        "school_year": school_year,
        "county": county,
        "min_count": min_count,
        "reasons": [{"code": c, "label": t} for c, t in reasons.items()],
        "municipalities": out,
    }


def _shown(value: int | None, min_count: int) -> str:
    return f"<{min_count}" if value is None else str(value)


def figures_path(school_year: str, municipality: str) -> str:
    """Where the figures of a raised topic are (the printable analysis of one municipality)."""
    return f"/offers/analysis/print?school_year={school_year}&municipality={municipality}"


def raise_gap_topic(
    session: Session,
    *,
    user: Actor,
    school_year: str,
    municipality: str,
    life_area: str | None = None,
    min_count: int = 3,
) -> tuple[Topic, str]:
    """Raise the gaps of one municipality (and life area) as a structural topic with the counts attached."""
    if user.role != "coordinator":
        raise Forbidden("Themen aus der Ist-/Bedarfsanalyse bringt die Koordination ein.")
    begin_write(session)
    if life_area is not None and life_area not in labels(LIFE_AREAS):
        raise InvalidInput("Unbekannter Lebensbereich.", errors={"life_area": ["Unbekannter Lebensbereich."]})
    data = analysis(
        session, user=user, school_year=school_year, municipality=municipality, min_count=min_count
    )
    (place,) = data["municipalities"]
    rows = [r for r in place["rows"] if life_area is None or r["life_area"] == life_area]
    reasons = {r["code"]: r["label"] for r in data["reasons"]}
    lines = [
        f"Ist-/Bedarfsanalyse {place['name']}, Schuljahr {school_year} (Zahlen ohne personenbezogene Daten; "
        f"kleine Fallzahlen als „<{min_count}“):"
    ]
    counts: dict[str, dict] = {}
    for r in rows:
        if r["gaps"] == 0 and r["needs"] == 0:
            continue
        why = ", ".join(
            f"{reasons[c]} {_shown(n, min_count)}"
            for c, n in r["gaps_by_reason"].items()
            if n is None or n > 0
        )
        lines.append(
            f"- {r['life_area_label']}: Bedarf {_shown(r['needs'], min_count)}, Angebote "
            f"{r['offers_local']} vor Ort + {r['offers_county']} kreisweit, kein passendes Angebot "
            f"{_shown(r['gaps'], min_count)}" + (f" ({why})" if why else "")
        )
        counts[r["life_area"]] = {
            k: r[k] for k in ("needs", "offers_local", "offers_county", "gaps", "gaps_by_reason")
        }
    path = figures_path(school_year, place["municipality"])
    lines.append(f"Zahlen: {path}")
    area_title = label(LIFE_AREAS, life_area) if life_area else "Angebotslücken"
    topic = raise_topic(
        session,
        user=user,
        title=f"{area_title}: kein passendes Angebot in {place['name']} ({school_year})"[:200],
        category=CATEGORY.get(life_area or "", "other"),
        municipality=place["municipality"],
        description="\n".join(lines),
    )
    place_id = session.scalar(
        select(Municipality.id).where(
            Municipality.tenant_id == user.tenant_id, Municipality.key == place["municipality"]
        )
    )
    session.add(
        OfferGapTopic(
            tenant_id=user.tenant_id,
            topic_id=topic.id,
            municipality_id=place_id,
            school_year=school_year,
            life_area=life_area,
            counts=counts,
            raised_at=utcnow(),
        )
    )
    session.flush()
    return topic, path
