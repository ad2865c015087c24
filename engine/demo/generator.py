"""``kim generate-demo``: a realistic synthetic county, created through the services the API uses.

Cases are opened and their tasks completed on a clock travelled into past school years, so
the figures come out of the same projections real work feeds. 2023/24 reproduces the annual
report of Kreis Paderborn: 930 persons supported, 364 CM cases. Any other county gets the same
volume per inhabitant (its seed's populations), spread over its municipalities by their weight
or population, with as many case-manager accounts as the seed's ``case_managers``.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from .. import clock
from ..access.actor import Actor
from ..cases.models import Case
from ..errors import Conflict
from ..org.models import Municipality, Team, Tenant
from ..org.read import only_tenant_key, tenants
from ..org.terms import tenant_terms
from ..reports.events import school_year_of
from ..uow import unit_of_work
from . import data as d
from . import households, offers
from .cases import CasePlan, start
from .runner import Runner, ensure_user
from .topics import Topics


@dataclass(frozen=True)
class Place:
    """A municipality with case management: its name, the accounts working there, its share of first
    contacts and its first school year (all from the seed: weight or population, case_managers,
    active_from)."""

    name: str
    accounts: list
    weight: int
    active_from: int


@dataclass
class Outcome:
    cases: int
    topics: int
    steps: int
    timers_fired: int
    seconds: float


def _weight(m: Municipality) -> int:
    """The seed's share of first contacts: its weight, else its population, else equal shares."""
    if m.weight is not None:
        return m.weight
    return m.population if m.population is not None else 1


def _accounts(session, tenant: Tenant, demo: bool) -> tuple[dict[str, Place], Actor | None, Actor]:
    places = session.scalars(
        select(Municipality).where(Municipality.tenant_id == tenant.id, Municipality.has_case_management)
    ).all()
    users: dict[str, Place] = {}
    for m in sorted(places, key=lambda p: (-_weight(p), p.key)):
        if _weight(m) <= 0:
            continue
        count = m.case_managers or 1
        accounts = [
            ensure_user(
                session,
                username=f"cm-{m.key}" + (f"-{i}" if count > 1 else ""),
                display_name=f"Case-Management {m.name}" + (f" {i}" if count > 1 else ""),
                role="case_manager",
                tenant_id=tenant.id,
                demo=demo,
                municipality_id=m.id,
            )
            for i in range(1, count + 1)
        ]
        users[m.key] = Place(m.name, accounts, _weight(m), m.active_from or 0)
    if not users:
        raise Conflict(
            "Dieser Kreis hat keine Gemeinde mit Case-Management; die Demo braucht mindestens eine.",
            kind="demo-refused",
        )
    team = session.scalars(select(Team).where(Team.tenant_id == tenant.id, Team.key == "uma")).first()
    uma = (
        ensure_user(
            session,
            username="cm-uma",
            display_name="Case-Managerin UmA-Team",
            role="case_manager",
            tenant_id=tenant.id,
            demo=demo,
            team_id=team.id,
        )
        if team and tenant_terms(session, tenant.id).uma_team
        else None
    )
    coord = ensure_user(
        session,
        username="coordinator",
        display_name="Koordinierende Stelle KIM",
        role="coordinator",
        tenant_id=tenant.id,
        demo=demo,
    )
    return users, uma, coord


def _volume(session, tenant: Tenant) -> float:
    """The county's volume relative to the reference county (Kreis Paderborn's annual report), by the
    population its seed gives; 1 when the seed gives none."""
    people = session.scalar(
        select(func.sum(Municipality.population)).where(Municipality.tenant_id == tenant.id)
    )
    return people / d.REFERENCE_POPULATION if people else 1.0


def _days(rng: random.Random, first: date, last: date, n: int) -> list[date]:
    """``n`` working days between first and last, sorted."""
    span = (last - first).days
    out: list[date] = []
    while len(out) < n:
        day = first + timedelta(days=rng.randint(0, span))
        if day.weekday() < 5:
            out.append(day)
    return sorted(out)


def _plan_year(
    runner: Runner,
    topics: Topics,
    year: int,
    users: dict,
    uma,
    rng: random.Random,
    today: date,
    scale: float = 1.0,
) -> int:
    first, last = date(year, 8, 1), date(year + 1, 7, 31)
    share = (1.0 if last < today else max(0.0, (today - first).days / 365)) * scale
    persons, cm_cases = round(d.PERSONS[year] * share), round(d.CM_CASES[year] * share)
    active = [k for k, place in users.items() if place.active_from <= year]
    weights = [(k, users[k].weight) for k in active]
    no_consent = round(persons * 0.04)
    # persons are household members: the cases' household sizes add up to them (a family is one case)
    sizes = households.sizes_for(rng, persons, cm_cases + no_consent)
    routes = (
        ["accompaniment"] * cm_cases
        + ["no_consent"] * no_consent
        + ["referral"] * (len(sizes) - cm_cases - no_consent)
    )
    rng.shuffle(routes)
    # A CM case's goal agreement falls in the same school year: its first contact is at the latest mid-June.
    late = min(last - timedelta(days=45), today)
    acc_days = iter(_days(rng, first, late, routes.count("accompaniment")))
    other_days = iter(
        _days(rng, first, min(last, today - timedelta(days=1)), len(routes) - routes.count("accompaniment"))
    )
    by_place: dict[str, list] = {k: [] for k in active}
    for n, route in enumerate(routes):
        key = d.weighted(rng, weights)[0]
        place = users[key]
        plan = CasePlan(
            user=place.accounts[n % len(place.accounts)],
            municipality=place.name,
            route=route,
            contact=next(acc_days) if route == "accompaniment" else next(other_days),
            year_end=last,
            rng=random.Random(rng.random()),
            household=sizes[n],
        )
        by_place[key].append(plan)
        start(runner, plan)
    if uma is not None and year >= 2024:
        for day in _days(rng, max(first, date(2024, 10, 1)), min(late, today), round(d.UMA_PER_YEAR * share)):
            plan = CasePlan(
                user=uma,
                municipality=users[rng.choice(active)].name,
                route="accompaniment",
                contact=day,
                year_end=last,
                rng=random.Random(rng.random()),
                followup=rng.random() < 0.6,
            )
            start(runner, plan)
            persons += 1
    if last < today:
        topics.plan_year(year, rng, by_place, count=max(1, round(len(d.TOPICS) * scale)))
    else:
        topics.plan_year(year, rng, by_place, count=max(3, round(6 * scale)), current=True)
    return persons


def generate(
    factory,
    *,
    county: str | None = None,
    seed: int = 2024,
    first_year: int = 2023,
    demo: bool = True,
    allow_existing: bool = False,
    scale: float = 1.0,
) -> Outcome:
    """Fill county ``county`` (a tenant key; None: the installation's only one) with demo cases spread
    over its municipalities as its seed says; refuses a county that already has cases."""
    started = time.perf_counter()
    with unit_of_work(factory) as session:
        key = county or only_tenant_key(session)
        tenant = session.scalars(select(Tenant).where(Tenant.key == key)).first()
        if tenant is None:
            keys = ", ".join(r.key for r in tenants(session)) or "keine"
            raise Conflict(
                f"Den Kreis '{key}' gibt es nicht (vorhanden: {keys}); bitte zuerst `kim setup` oder "
                "`kim tenant add` ausführen.",
                kind="demo-refused",
            )
        if not allow_existing and session.scalar(
            select(func.count()).select_from(Case).where(Case.tenant_id == tenant.id)
        ):
            raise Conflict(
                "In diesem Kreis gibt es bereits Fälle; die Demo wird nur in eine leere Datenbank "
                "geschrieben.",
                kind="demo-refused",
            )
        users, uma, coord = _accounts(session, tenant, demo)
        scale *= _volume(session, tenant)
        tenant_id, terms, where = tenant.id, tenant_terms(session, tenant.id), tenant.name
    now = clock.utcnow()
    today = now.astimezone(clock.BERLIN).date()
    runner = Runner(factory, until=now)
    topics = Topics(runner, coord, tenant_id, terms, where)
    rng = random.Random(seed)
    current = int(school_year_of(today)[:4])
    cases = sum(
        _plan_year(runner, topics, year, users, uma, rng, today, scale)
        for year in range(first_year, current + 1)
        if year in d.PERSONS
    )
    runner.run()
    offers.fill(factory, tenant_id=tenant_id, coordinator=coord, seed=seed)  # directory and gaps
    return Outcome(cases, len(topics.plans), runner.steps, runner.timers_fired, time.perf_counter() - started)
