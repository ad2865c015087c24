"""What the coordinators' dashboard shows: open topics per level and their age, the funnel,
overdue escalations, and the programme figures over the school years (no client data)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..clock import BERLIN, utcnow
from ..escalations.models import OPEN, Topic, TopicEvent
from ..escalations.service import overdue_condition
from .events import school_year_of
from .figures import figures, require_reader
from .models import ProgrammeEvent

LEVEL_ORDER = ("local", "steering", "working_group", "state")


def open_by_level(session: Session, tenant_id: int) -> list[dict]:
    """Per level: open topics, the oldest one's age and the median age in days."""
    now = utcnow()
    rows = session.execute(
        select(Topic.level, Topic.raised_at).where(Topic.tenant_id == tenant_id, Topic.status == OPEN)
    ).all()
    out = []
    for level in LEVEL_ORDER:
        ages = sorted((now - raised).days for lvl, raised in rows if lvl == level)
        out.append(
            {
                "level": level,
                "count": len(ages),
                "oldest_days": ages[-1] if ages else None,
                "median_days": ages[len(ages) // 2] if ages else None,
            }
        )
    return out


def funnel(session: Session, tenant_id: int) -> dict:
    """Raised -> resolved locally / by the Lenkungsgruppe / via working groups / forwarded to the state."""
    decided = dict(
        session.execute(
            select(TopicEvent.decision, func.count(func.distinct(TopicEvent.topic_id)))
            .join(Topic, Topic.id == TopicEvent.topic_id)
            .where(Topic.tenant_id == tenant_id)
            .group_by(TopicEvent.decision)
        )
        .tuples()
        .all()
    )
    outcomes = dict(
        session.execute(
            select(Topic.outcome, func.count()).where(Topic.tenant_id == tenant_id).group_by(Topic.outcome)
        )
        .tuples()
        .all()
    )
    return {
        "raised": decided.get("raised", 0),
        "resolved_local": outcomes.get("resolved_local", 0),
        "escalated": decided.get("escalated", 0),
        "resolved_steering": outcomes.get("resolved_steering", 0),
        "working_group": decided.get("working_group", 0),
        "resolved_working_group": outcomes.get("resolved_working_group", 0),
        "forwarded": decided.get("forwarded", 0),
        "answered_state": outcomes.get("answered_state", 0),
        "open": sum(n for o, n in outcomes.items() if o is None),
    }


def overdue_count(session: Session, tenant_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Topic)
            .where(Topic.tenant_id == tenant_id, overdue_condition(utcnow()))
        )
        or 0
    )


def years(session: Session, tenant_id: int, last: int = 5, min_count: int = 3) -> list[dict]:
    """Persons supported and CM cases of the last school years (county totals; small ones hidden)."""
    rows = session.execute(
        select(ProgrammeEvent.school_year, ProgrammeEvent.kind, func.count())
        .where(
            ProgrammeEvent.tenant_id == tenant_id, ProgrammeEvent.kind.in_(("persons_supported", "cm_case"))
        )
        .group_by(ProgrammeEvent.school_year, ProgrammeEvent.kind)
    ).all()
    by_year: dict[str, dict] = {}
    for year, kind, n in rows:
        by_year.setdefault(year, {"school_year": year, "persons_supported": 0, "cm_cases": 0})[
            "persons_supported" if kind == "persons_supported" else "cm_cases"
        ] = n
    for row in by_year.values():
        for key in ("persons_supported", "cm_cases"):
            if 0 < row[key] < min_count:
                row[key] = None
    return [by_year[y] for y in sorted(by_year)][-last:]


def dashboard(session: Session, *, user: Actor, school_year: str | None = None, min_count: int = 3) -> dict:
    """Everything the dashboard page shows, for coordinators and Lenkungsgruppe members."""
    require_reader(user)
    year = school_year or school_year_of(utcnow().astimezone(BERLIN).date())
    return {
        "open_by_level": open_by_level(session, user.tenant_id),
        "funnel": funnel(session, user.tenant_id),
        "overdue": overdue_count(session, user.tenant_id),
        "years": years(session, user.tenant_id, min_count=min_count),
        "figures": figures(session, tenant_id=user.tenant_id, school_year=year, min_count=min_count),
    }
