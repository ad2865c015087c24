"""Programme figures per county, municipality, region and team for one school year.

One GROUP BY over programme_events; small counts of people (1 .. min_count-1) are suppressed
in every cell, and where a breakdown hides exactly one cell of a figure, the next smallest is hidden
too, so that the total cannot give the hidden one away.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import vocabulary
from ..access.actor import Actor
from ..errors import Forbidden
from ..org.models import Municipality, Region, Team
from .events import school_year_bounds
from .models import ProgrammeEvent

READERS = {"coordinator", "steering"}
# figure -> (event kind, breakdown key or None)
FIGURES = {
    "persons_supported": ("persons_supported", None),
    "cm_cases": ("cm_case", None),
    "referrals": ("referral", "referrals_by_agency"),
    "closures": ("closure", "closures_by_reason"),
    "goals_met": ("goals_met", "goals_met_by_result"),
    "topics_raised": ("topic_raised", "topics_raised_by_category"),
    "topics_escalated": ("topic_escalated", "topics_escalated_by_level"),
    "topics_resolved": ("topic_resolved", "topics_resolved_by_level"),
}
BREAKDOWNS = [b for _k, b in FIGURES.values() if b]
# breakdown -> (vocabulary of its codes, the codes it has a column for; None: every code)
VOCABULARIES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "referrals_by_agency": ("referral.agency", None),
    "closures_by_reason": ("case.closure_reason", None),
    "goals_met_by_result": ("final_evaluation.goals_met", None),
    "topics_raised_by_category": ("topic.category", None),
    "topics_escalated_by_level": ("topic.level", ("steering", "working_group", "state")),
    "topics_resolved_by_level": ("topic.level", ("local", "steering", "working_group", "state")),
}
NO_CODE, NO_CODE_LABEL = "unknown", "ohne Angabe"
# Counts of people (cases) are suppressed when small; topics are about structures, not people.
PERSONAL = ("persons_supported", "cm_cases", "referrals", "closures", "goals_met")


def require_reader(user: Actor) -> None:
    """Figures are for the coordinators and the Lenkungsgruppe."""
    if user.role not in READERS:
        raise Forbidden("Die Programmzahlen sehen die koordinierenden Stellen und die Lenkungsgruppe.")


def empty_set() -> dict:
    """Every figure at 0 and every breakdown empty."""
    out: dict = dict.fromkeys(FIGURES, 0)
    out.update({b: {} for b in BREAKDOWNS})
    return out


def add_count(target: dict, kind: str, code: str | None, n: int) -> None:
    """Count ``n`` events of ``kind`` (with ``code``) into the figure set ``target``."""
    for name, (event_kind, breakdown) in FIGURES.items():
        if event_kind == kind:
            target[name] += n
            if breakdown:
                key = code or NO_CODE
                target[breakdown][key] = target[breakdown].get(key, 0) + n


def raw_counts(
    session: Session, tenant_id: int, school_year: str
) -> Sequence[tuple[str, str | None, int | None, int | None, int]]:
    """(kind, code, municipality id, team id, count) for the school year."""
    school_year_bounds(school_year)
    rows = session.execute(
        select(
            ProgrammeEvent.kind,
            ProgrammeEvent.code,
            ProgrammeEvent.municipality_id,
            ProgrammeEvent.team_id,
            func.count(),
        )
        .where(ProgrammeEvent.tenant_id == tenant_id, ProgrammeEvent.school_year == school_year)
        .group_by(
            ProgrammeEvent.kind, ProgrammeEvent.code, ProgrammeEvent.municipality_id, ProgrammeEvent.team_id
        )
    )
    return rows.tuples().all()


def figures(session: Session, *, tenant_id: int, school_year: str, min_count: int = 3) -> dict:
    """The figures of a school year: totals and by municipality, region and team (suppressed)."""
    start, end = school_year_bounds(school_year)
    places = session.execute(
        select(Municipality.id, Municipality.name, Municipality.region_id)
        .where(Municipality.tenant_id == tenant_id)
        .order_by(Municipality.name)
    ).all()
    regions = dict(
        session.execute(select(Region.id, Region.name).where(Region.tenant_id == tenant_id)).tuples().all()
    )
    teams = dict(
        session.execute(select(Team.id, Team.name).where(Team.tenant_id == tenant_id)).tuples().all()
    )
    region_of = {pid: rid for pid, _n, rid in places}
    totals = empty_set()
    by_place: defaultdict[int | None, dict] = defaultdict(empty_set)
    by_region: defaultdict[int | None, dict] = defaultdict(empty_set)
    by_team: defaultdict[int, dict] = defaultdict(empty_set)
    for kind, code, place, team, n in raw_counts(session, tenant_id, school_year):
        add_count(totals, kind, code, n)
        add_count(by_place[place], kind, code, n)
        add_count(by_region[region_of.get(place)], kind, code, n)
        if team is not None:
            add_count(by_team[team], kind, code, n)
    municipality_rows = [
        {"municipality": name, "region": regions.get(rid), **by_place[pid]} for pid, name, rid in places
    ]
    region_rows = [
        {"region": name, **by_region[rid]} for rid, name in sorted(regions.items(), key=lambda r: r[1])
    ]
    if by_region.get(None) and any(v for k, v in by_region[None].items() if k in FIGURES):
        region_rows.append({"region": "ohne Region", **by_region[None]})
    team_rows = [{"team": name, **by_team[tid]} for tid, name in sorted(teams.items(), key=lambda t: t[1])]
    for rows in (municipality_rows, region_rows, team_rows):
        suppress_rows(rows, min_count)
    suppress_rows([totals], min_count)
    return {
        "school_year": school_year,
        "period_start": start,
        "period_end": end,
        "min_count": min_count,
        "totals": totals,
        "by_municipality": municipality_rows,
        "by_region": region_rows,
        "by_team": team_rows,
        "labels": breakdown_labels(session, totals),
    }


def breakdown_labels(session: Session, totals: dict) -> dict[str, dict[str, str]]:
    """Per breakdown, every code with its label, in column order: the vocabulary's codes, then any
    other code the year's events hold (a code since removed from a form still gets its column)."""
    vocabulary.refresh(session)
    return code_labels(totals)


def code_labels(totals: dict) -> dict[str, dict[str, str]]:
    """``breakdown_labels`` from the vocabularies as loaded (no database read: the state's view reads
    only programme facts and tenants)."""
    out: dict[str, dict[str, str]] = {}
    for breakdown, (name, only) in VOCABULARIES.items():
        known = vocabulary.labels(name)
        codes = list(only) if only else list(known)
        codes += sorted(c for c in totals[breakdown] if c not in codes)
        out[breakdown] = {c: NO_CODE_LABEL if c == NO_CODE else vocabulary.label(name, c) for c in codes}
    return out


def _cells(row: dict):
    """(container, key) of every count of people in a row."""
    for name in PERSONAL:
        yield row, name
        breakdown = FIGURES[name][1]
        if breakdown:
            for code in list(row[breakdown]):
                yield row[breakdown], code


def suppress_rows(rows: list[dict], min_count: int) -> None:
    """Hide counts of people from 1 to min_count-1 (as None), listed in each row's ``suppressed``."""
    for row in rows:
        row.setdefault("suppressed", [])
        for container, key in _cells(row):
            value = container[key]
            if value is not None and 0 < value < min_count:
                container[key] = None
                row["suppressed"].append(key if container is row else f"{_name_of(row, container)}.{key}")
    if len(rows) < 2:
        return
    # Secondary suppression: one hidden cell per figure could be computed from the total.
    paths = {p for row in rows for p in row["suppressed"]}
    for path in paths:
        hidden = [r for r in rows if path in r["suppressed"]]
        if len(hidden) != 1:
            continue
        shown = [(r, _get(r, path)) for r in rows if path not in r["suppressed"] and (_get(r, path) or 0) > 0]
        if shown:
            row, _v = min(shown, key=lambda rv: rv[1])
            _set(row, path, None)
            row["suppressed"].append(path)


def _name_of(row: dict, container: dict) -> str:
    return next(b for b in BREAKDOWNS if row[b] is container)


def _get(row: dict, path: str):
    if "." in path:
        b, code = path.split(".", 1)
        return row[b].get(code)
    return row[path]


def _set(row: dict, path: str, value) -> None:
    if "." in path:
        b, code = path.split(".", 1)
        row[b][code] = value
    else:
        row[path] = value
