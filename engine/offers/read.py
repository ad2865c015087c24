"""The directory as people see it: search with the best matches first, one offer, its history.

Search (``search``): the tenant's current offers (not retired, not expired), narrowed by the
municipality (its own offers and the county-wide ones), kind and a text in provider or title; each
offer scores one point per criterion it matches among life area, language and target group (one
GROUP BY over ``offer_tags``), and with criteria given only offers scoring at least one are listed.
Order: score, then the municipality's own offers before county-wide ones, then title. An offer not
checked for 12 months (or never) is flagged for review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, case, func, literal_column, or_, select, union_all
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..clock import today_berlin
from ..org.models import Municipality
from ..vocabulary import label, labels
from .access import may_keep, require_reader
from .fields import KINDS, LANGUAGES, LIFE_AREAS, TARGET_GROUPS, Places
from .models import LANGUAGE, LIFE_AREA, TARGET_GROUP, Offer, OfferTag, OfferVersion
from .service import get_offer

REVIEW_MONTHS = 12
MAX_PAGE = 200


@dataclass(frozen=True)
class Choice:
    code: str
    label: str


@dataclass(frozen=True)
class OfferView:
    """One offer with its labels, whether it needs review and whether the reader may change it."""

    id: int
    municipality: str | None  # the municipality's key; None: county-wide
    municipality_name: str
    provider: str
    title: str
    kind: str
    kind_label: str
    life_areas: list[str]
    life_area_labels: list[str]
    target_groups: list[str]
    target_group_labels: list[str]
    languages: list[str]
    language_labels: list[str]
    contact: str | None
    address: str | None
    opening_hours: str | None
    cost: str | None
    valid_from: date | None
    valid_until: date | None
    source: str | None
    checked_on: date | None
    shared_upkeep: bool
    version: int
    retired: bool
    needs_review: bool
    may_change: bool
    score: int = 0


def review_before(today: date) -> date:
    """Offers last checked before this day (or never) are flagged for review."""
    return today - relativedelta(months=REVIEW_MONTHS)


class Labels:
    """The labels of the directory's vocabularies, read once per search (not once per offer)."""

    def __init__(self) -> None:
        self.known = {v: labels(v) for v in (KINDS, LIFE_AREAS, TARGET_GROUPS, LANGUAGES)}

    def __call__(self, vocabulary: str, code: str) -> str:
        return self.known[vocabulary].get(code) or label(vocabulary, code)


def view(
    offer: Offer,
    places: Places,
    user: Actor,
    today: date,
    score: int = 0,
    flag: date | None = None,
    names: Labels | None = None,
) -> OfferView:
    """The view model of one offer (``flag``: checked before this day means due for review)."""
    flag = flag or review_before(today)
    label_of = names or Labels()
    place = places.by_id.get(offer.municipality_id) if offer.municipality_id else None
    return OfferView(
        id=offer.id,
        municipality=place.key if place else None,
        municipality_name=place.name if place else "kreisweit",
        provider=offer.provider,
        title=offer.title,
        kind=offer.kind,
        kind_label=label_of(KINDS, offer.kind),
        life_areas=list(offer.life_areas),
        life_area_labels=[label_of(LIFE_AREAS, c) for c in offer.life_areas],
        target_groups=list(offer.target_groups),
        target_group_labels=[label_of(TARGET_GROUPS, c) for c in offer.target_groups],
        languages=list(offer.languages),
        language_labels=[label_of(LANGUAGES, c) for c in offer.languages],
        contact=offer.contact,
        address=offer.address,
        opening_hours=offer.opening_hours,
        cost=offer.cost,
        valid_from=offer.valid_from,
        valid_until=offer.valid_until,
        source=offer.source,
        checked_on=offer.checked_on,
        shared_upkeep=offer.shared_upkeep,
        version=offer.version,
        retired=offer.retired_at is not None,
        needs_review=offer.checked_on is None or offer.checked_on < flag,
        may_change=offer.retired_at is None and may_keep(user, offer.municipality_id, offer.shared_upkeep),
        score=score,
    )


@dataclass(frozen=True)
class SearchResult:
    items: list[OfferView]
    total: int
    criteria: int  # how many of life area, language, target group were asked for


@dataclass(frozen=True)
class Query:
    """What a search asks for (codes and a municipality's key or name; empty: any)."""

    life_area: str | None = None
    language: str | None = None
    target_group: str | None = None
    municipality: str | None = None
    kind: str | None = None
    text: str | None = None
    review: bool = False  # only offers due for review
    retired: bool = False  # retired offers instead of current ones
    limit: int = 50
    offset: int = 0
    extra: dict = field(default_factory=dict)


def search(session: Session, *, user: Actor, query: Query) -> SearchResult:
    """The offers matching ``query``, best matches first (see the module docstring)."""
    require_reader(user)
    places = Places.of(session, user.tenant_id)
    today = today_berlin()
    criteria = [
        (facet, code)
        for facet, code in (
            (LIFE_AREA, query.life_area),
            (LANGUAGE, query.language),
            (TARGET_GROUP, query.target_group),
        )
        if code
    ]
    cond = [Offer.tenant_id == user.tenant_id]
    if query.retired:
        cond.append(Offer.retired_at.is_not(None))
    else:
        cond += [Offer.retired_at.is_(None), or_(Offer.valid_until.is_(None), Offer.valid_until >= today)]
    place_id = None
    if query.municipality:
        row = places.by_needle.get(query.municipality.strip().casefold())
        place_id = row.id if row else 0
        cond.append(or_(Offer.municipality_id == place_id, Offer.municipality_id.is_(None)))
    if query.kind:
        cond.append(Offer.kind == query.kind)
    if query.text and query.text.strip():
        needle = f"%{query.text.strip().casefold()}%"
        cond.append(or_(func.lower(Offer.provider).like(needle), func.lower(Offer.title).like(needle)))
    if query.review:
        cond.append(or_(Offer.checked_on.is_(None), Offer.checked_on < review_before(today)))
    county_last = case((Offer.municipality_id.is_(None), 1), else_=0)
    total_col = func.count().over().label("total")  # the number of matches, in the same query
    if criteria:
        # each criterion one index range of offer_tags (UNION ALL: an OR would scan the tenant's tags);
        # one GROUP BY over the offers that pass the filters: score = criteria matched
        matches = union_all(
            *(
                select(OfferTag.offer_id).where(
                    OfferTag.tenant_id == user.tenant_id, OfferTag.facet == f, OfferTag.code == c
                )
                for f, c in criteria
            )
        ).subquery("matches")
        score: ColumnElement[int] = func.count(matches.c.offer_id)
        stmt = (
            select(Offer, score, total_col)
            .join(matches, matches.c.offer_id == Offer.id)
            .where(*cond)
            .group_by(Offer.id)
        )
    else:
        score = literal_column("0")  # inline: PostgreSQL cannot type a bare parameter in the select list
        stmt = select(Offer, score, total_col).where(*cond)
    order = [county_last, Offer.title, Offer.id]
    rows = session.execute(
        stmt.order_by(*([score.desc()] if criteria else []), *order)
        .limit(max(1, min(query.limit, MAX_PAGE)))
        .offset(max(0, query.offset))
    ).all()
    total = rows[0][2] if rows else 0
    if not rows and query.offset:
        total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0  # past the end
    flag = review_before(today)
    names = Labels()
    items = [view(offer, places, user, today, int(s or 0), flag, names) for offer, s, _t in rows]
    return SearchResult(items, total, len(criteria))


def offer_view(session: Session, *, user: Actor, offer_id: int) -> OfferView:
    """One offer of the user's tenant."""
    require_reader(user)
    offer = get_offer(session, user, offer_id)
    return view(offer, Places.of(session, user.tenant_id), user, today_berlin())


def views_of(session: Session, user: Actor, offers: list[Offer]) -> list[OfferView]:
    """View models of offers just saved."""
    places, today = Places.of(session, user.tenant_id), today_berlin()
    return [view(o, places, user, today) for o in offers]


@dataclass(frozen=True)
class Change:
    field: str
    field_label: str
    before: str
    after: str


@dataclass(frozen=True)
class VersionView:
    version: int
    action: str
    action_label: str
    changed_by: str
    changed_at: datetime
    changes: list[Change]


FIELD_LABELS = {
    "municipality_id": "Gemeinde",
    "provider": "Träger",
    "title": "Angebot",
    "kind": "Art",
    "life_areas": "Lebensbereiche",
    "target_groups": "Zielgruppen",
    "languages": "Sprachen",
    "contact": "Kontakt",
    "address": "Adresse",
    "opening_hours": "Termine/Öffnungszeiten",
    "cost": "Kosten",
    "valid_from": "Gültig ab",
    "valid_until": "Gültig bis",
    "source": "Quelle",
    "checked_on": "Zuletzt geprüft am",
    "shared_upkeep": "Pflege durch Case-Management",
}
_VOCABULARY = {
    "kind": KINDS,
    "life_areas": LIFE_AREAS,
    "target_groups": TARGET_GROUPS,
    "languages": LANGUAGES,
}


def _shown(name: str, value, places: Places) -> str:
    if value is None or value in ([], ""):
        return "–"
    if name == "municipality_id":
        place = places.by_id.get(value)
        return place.name if place else "?"
    if name == "shared_upkeep":
        return "ja" if value else "nein"
    if name in _VOCABULARY:
        values = value if isinstance(value, list) else [value]
        return ", ".join(label(_VOCABULARY[name], v) for v in values)
    if name in ("valid_from", "valid_until", "checked_on"):
        return date.fromisoformat(value).strftime("%d.%m.%Y")
    return str(value)


def history(session: Session, *, user: Actor, offer_id: int) -> tuple[OfferView, list[VersionView]]:
    """The offer and every version, newest first, each with what it changed."""
    require_reader(user)
    offer = get_offer(session, user, offer_id)
    places = Places.of(session, user.tenant_id)
    rows = session.scalars(
        select(OfferVersion).where(OfferVersion.offer_id == offer.id).order_by(OfferVersion.version)
    ).all()
    out: list[VersionView] = []
    before: dict = {}
    for row in rows:
        changes = [
            Change(
                name,
                FIELD_LABELS.get(name, name),
                _shown(name, before.get(name), places),
                _shown(name, value, places),
            )
            for name, value in row.data.items()
            if before.get(name) != value and (before or value not in (None, [], "", False))
        ]
        if row.action == "retired":
            changes = []
        out.append(
            VersionView(
                row.version,
                row.action,
                label("offer.action", row.action),
                row.changed_by,
                row.changed_at,
                changes,
            )
        )
        before = row.data
    return view(offer, places, user, today_berlin()), list(reversed(out))


def choices(session: Session, *, user: Actor) -> dict[str, list[Choice]]:
    """The lists a search or edit form offers: life areas, kinds, target groups, languages, places."""
    require_reader(user)
    places = Places.of(session, user.tenant_id)
    out = {
        name: [Choice(c, t) for c, t in labels(vocabulary).items()]
        for name, vocabulary in (
            ("life_areas", LIFE_AREAS),
            ("kinds", KINDS),
            ("target_groups", TARGET_GROUPS),
            ("languages", LANGUAGES),
        )
    }
    rows = sorted(places.by_id.values(), key=lambda m: m.name)
    out["municipalities"] = [Choice(m.key, m.name) for m in rows if isinstance(m, Municipality)]
    return out
