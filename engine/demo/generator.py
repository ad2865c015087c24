"""``kim generate-demo``: a realistic synthetic county, created through the services the API uses.

Cases are opened and their tasks completed on a clock travelled into past school years, so
the figures come out of the same projections real work feeds. 2023/24 reproduces the annual
report of Kreis Paderborn: 930 persons supported, 364 CM cases.
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
from ..reports.events import school_year_of
from ..uow import unit_of_work
from . import data as d
from . import households, offers
from .cases import CasePlan, start
from .runner import Runner, ensure_user
from .topics import Topics

COUNTIES = {"paderborn": "paderborn"}


@dataclass
class Outcome:
    cases: int
    topics: int
    steps: int
    timers_fired: int
    seconds: float


def _accounts(session, tenant: Tenant, demo: bool) -> tuple[dict, Actor | None, Actor]:
    places = {
        m.key: m for m in session.scalars(select(Municipality).where(Municipality.tenant_id == tenant.id))
    }
    users: dict[str, list] = {}
    for key in d.WEIGHTS:
        count = 4 if key == "paderborn" else 1
        users[key] = [
            ensure_user(
                session,
                username=f"cm-{key}" + (f"-{i}" if count > 1 else ""),
                display_name=f"Case-Management {places[key].name}" + (f" {i}" if count > 1 else ""),
                role="case_manager",
                tenant_id=tenant.id,
                demo=demo,
                municipality_id=places[key].id,
            )
            for i in range(1, count + 1)
        ]
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
        if team
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
    return {k: (places[k].name, v) for k, v in users.items()}, uma, coord


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
    active = [k for k in d.WEIGHTS if d.ACTIVE_FROM.get(k, 0) <= year]
    weights = [(k, d.WEIGHTS[k]) for k in active]
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
        name, accounts = users[key]
        plan = CasePlan(
            user=accounts[n % len(accounts)],
            municipality=name,
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
                municipality=users[rng.choice(active)][0],
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
    county: str = "paderborn",
    seed: int = 2024,
    first_year: int = 2023,
    demo: bool = True,
    allow_existing: bool = False,
    scale: float = 1.0,
) -> Outcome:
    """Fill the database with the demo county; refuses a county that already has cases."""
    started = time.perf_counter()
    with unit_of_work(factory) as session:
        tenant = session.scalars(select(Tenant).where(Tenant.key == COUNTIES.get(county, county))).first()
        if tenant is None:
            raise Conflict(
                f"Den Kreis '{county}' gibt es nicht; bitte zuerst `kim setup` ausführen.",
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
        tenant_id = tenant.id
    now = clock.utcnow()
    today = now.astimezone(clock.BERLIN).date()
    runner = Runner(factory, until=now)
    topics = Topics(runner, coord, tenant_id)
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
