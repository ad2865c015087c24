"""The demo county's offers directory and its "kein passendes Angebot" records (``kim generate-demo``).

Providers and offers are invented from generic parts (no real organisation is copied): per municipality
a handful of local offers, and county-wide ones; some were last checked long ago, so the review flag
shows. Gaps: a share of the cases whose assessment named a need get a gap record for it in the school
year of the assessment, with plausible reasons (waiting lists for childcare, language for counselling).
Everything goes through the directory's own service (versions and search tags) in one unit of work.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from ..access.actor import Actor
from ..cases.models import Case
from ..clock import today_berlin, utcnow
from ..offers.casework import CASE, new_gap
from ..offers.models import OfferNeed
from ..offers.service import save_new
from ..org.models import Municipality
from ..uow import unit_of_work

# (kind, title pattern, life areas, languages, target groups); {place} is the municipality
LOCAL = [
    ("language_course", "Sprachtreff {place}", ["language"], ["deu", "ara"], ["everyone"]),
    ("language_course", "Deutsch im Alltag – Frauenkurs {place}", ["language"], ["deu", "fas"], ["women"]),
    ("volunteer_initiative", "Patenschaften {place}", ["family", "education"], ["deu", "eng"], ["families"]),
    ("counselling", "Sozialberatung {place}", ["money", "housing"], ["deu", "tur"], ["everyone"]),
    ("childcare", "Spielgruppe Kunterbunt {place}", ["childcare"], ["deu"], ["children", "families"]),
    ("project", "Hausaufgabenhilfe {place}", ["education"], ["deu", "ara", "ukr"], ["children"]),
    ("self_help", "Elterncafé {place}", ["family"], ["deu", "ara", "tir"], ["families"]),
    ("measure", "Bewerbungswerkstatt {place}", ["work_training"], ["deu"], ["young_adults"]),
]
PROVIDERS = ["Nachbarschaftsnetz", "Bürgerverein", "Familienforum", "Lernwerkstatt", "Initiative Miteinander"]
COUNTY = [
    (
        "counselling",
        "Migrationsberatung für Erwachsene",
        "Beratungsverbund Ost",
        ["residence", "work_training"],
        ["deu", "ara", "rus"],
        ["everyone"],
    ),
    (
        "counselling",
        "Beratung für junge Zugewanderte",
        "Jugendwerkstatt Kreisweit",
        ["education", "work_training"],
        ["deu", "fas", "pus"],
        ["young_adults"],
    ),
    (
        "integration_course",
        "Integrationskurs mit Kinderbetreuung",
        "Bildungswerk Am Lindenhof",
        ["language", "childcare"],
        ["deu"],
        ["women", "families"],
    ),
    (
        "integration_course",
        "Integrationskurs Abendkurs",
        "Sprachschule Brückenschlag",
        ["language"],
        ["deu"],
        ["everyone"],
    ),
    (
        "counselling",
        "Psychosoziale Beratung",
        "Gesundheitsladen Kreisweit",
        ["health"],
        ["deu", "ara", "fas", "ukr"],
        ["everyone"],
    ),
    (
        "measure",
        "Berufssprachkurs B2",
        "Sprachschule Brückenschlag",
        ["language", "work_training"],
        ["deu"],
        ["everyone"],
    ),
    (
        "project",
        "Wohnungslotsen",
        "Initiative Dach überm Kopf",
        ["housing"],
        ["deu", "ara", "tir", "som"],
        ["families"],
    ),
    (
        "counselling",
        "Schuldner- und Budgetberatung",
        "Beratungsverbund Ost",
        ["money"],
        ["deu", "tur", "rus"],
        ["everyone"],
    ),
    (
        "project",
        "Ankommen für unbegleitete Minderjährige",
        "Jugendwerkstatt Kreisweit",
        ["education", "residence"],
        ["deu", "fas", "pus", "ara"],
        ["uma"],
    ),
    (
        "self_help",
        "Frauentreff International",
        "Familienforum Kreisweit",
        ["family", "health"],
        ["deu", "ara", "ukr", "tir"],
        ["women"],
    ),
]
# life area -> reasons with weights: what case managers would plausibly record
REASONS = {
    "childcare": [("waiting_list", 6), ("times", 2), ("distance", 2)],
    "language": [("waiting_list", 3), ("times", 3), ("distance", 2), ("eligibility", 2)],
    "housing": [("none_exists", 5), ("cost", 4)],
    "health": [("language", 5), ("waiting_list", 3), ("distance", 2)],
    "education": [("language", 2), ("none_exists", 2), ("distance", 2)],
    "work_training": [("eligibility", 3), ("language", 2), ("times", 2)],
    "residence": [("waiting_list", 2), ("language", 2)],
    "money": [("language", 2), ("waiting_list", 2)],
    "family": [("none_exists", 2), ("times", 2)],
}
GAP_SHARE = 0.18
STREETS = ["Lindenweg", "Marktstraße", "Am Bahnhof", "Kirchplatz"]


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in weighted], weights=[w for _, w in weighted])[0]


def fill(factory, *, tenant_id: int, coordinator: Actor, seed: int) -> tuple[int, int]:
    """The directory and the gaps of the demo county; (offers, gaps) written."""
    rng = random.Random(seed + 17)
    today, now = today_berlin(), utcnow()
    offers = gaps = 0
    with unit_of_work(factory) as session:
        places = session.scalars(select(Municipality).where(Municipality.tenant_id == tenant_id)).all()

        def add(place_id, kind, title, provider, areas, languages, groups) -> None:
            checked = today - timedelta(days=rng.choice([20, 90, 200, 300, 420, 600]))
            values = {
                "municipality_id": place_id,
                "provider": provider,
                "title": title,
                "kind": kind,
                "life_areas": areas,
                "target_groups": groups,
                "languages": languages,
                "contact": f"Tel. 0 55 55 / {rng.randint(1000, 9999)} (Demo)",
                "address": f"{rng.choice(STREETS)} {rng.randint(1, 40)}",
                "opening_hours": rng.choice(
                    ["Mo und Mi 9–12 Uhr", "Di 15–18 Uhr", "nach Vereinbarung", "Do 17–19 Uhr"]
                ),
                "cost": rng.choice(["kostenlos", "kostenlos", "5 € im Monat", "nach Einkommen"]),
                "valid_from": date(today.year - 1, 8, 1),
                "valid_until": None,
                "source": "Abfrage der Koordinierungsstelle (Demo)",
                "checked_on": checked,
                "shared_upkeep": place_id is None and rng.random() < 0.3,
            }
            save_new(
                session, coordinator, values, action="imported", now=now, author="Koordinierende Stelle KIM"
            )

        for place in places:
            for kind, title, areas, languages, groups in rng.sample(LOCAL, k=rng.randint(3, 6)):
                provider = f"{rng.choice(PROVIDERS)} {place.name}"
                add(place.id, kind, title.format(place=place.name), provider, areas, languages, groups)
                offers += 1
        for kind, title, provider, areas, languages, groups in COUNTY:
            add(None, kind, title, provider, areas, languages, groups)
            offers += 1
        needs = session.execute(
            select(OfferNeed, Case)
            .join(Case, Case.id == OfferNeed.case_id)
            .where(OfferNeed.tenant_id == tenant_id)
        ).all()
        for need, case in needs:
            if rng.random() >= GAP_SHARE:
                continue
            reason = _pick(rng, REASONS.get(need.life_area, [("none_exists", 1)]))
            on = min(today, need.assessed_on + timedelta(days=rng.randint(7, 60)))
            if on < need.assessed_on:  # pragma: no cover - assessments lie in the past
                continue
            row = new_gap(
                case, life_area=need.life_area, reason=reason, source=CASE, on=on, now=now, user_id=None
            )
            row.school_year = need.school_year  # counted in the school year of the need
            session.add(row)
            gaps += 1
    return offers, gaps
