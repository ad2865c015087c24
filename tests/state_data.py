"""A known data set for the state's view: two county tenants (Kreis Paderborn from the seed and a
second county, Kreis Höxter), the state's tenant with one state account, and programme facts written
straight into ``programme_events`` (school year 2025/26, one fact of 2024/25 and one in the state's own
tenant that must never count)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

from sqlalchemy import select

from engine.org.models import Tenant
from engine.reports.models import ProgrammeEvent
from engine.state.setup import add_state_user, ensure_state_tenant
from engine.uow import begin

YEAR = "2025/26"
STATE_USER, STATE_PASSWORD = "land-nrw", "Landeskonto-2026"
# tenant key -> [(kind, code, count)] in YEAR
FACTS = {
    "paderborn": [
        ("persons_supported", None, 12),
        ("cm_case", None, 5),
        ("referral", "jobcenter", 4),
        ("referral", "foreigners_authority", 2),
        ("closure", "goals_met", 3),
        ("closure", "referred", 1),
        ("goals_met", "all", 3),
        ("topic_raised", "language", 2),
        ("topic_escalated", "steering", 1),
        ("topic_resolved", "local", 1),
    ],
    "hoexter": [
        ("persons_supported", None, 7),
        ("cm_case", None, 1),
        ("referral", "jobcenter", 3),
        ("closure", "referred", 4),
        ("goals_met", "partly", 1),
        ("topic_raised", "housing", 1),
    ],
}


def counts(tenant_key: str) -> Counter:
    """(kind, code) -> count of the data set for one county (the direct count to compare with)."""
    out: Counter = Counter()
    for kind, code, n in FACTS[tenant_key]:
        out[(kind, code)] += n
    return out


def _facts(s, tenant_id: int, kind: str, code: str | None, n: int, year: str, day: date) -> None:
    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    s.add_all(
        ProgrammeEvent(
            tenant_id=tenant_id, kind=kind, code=code, occurred_on=day, school_year=year, recorded_at=now
        )
        for _ in range(n)
    )


def build(sessions) -> dict[str, int]:
    """Write the data set; tenant key -> id (the state's tenant as "nrw")."""
    with sessions() as s:
        begin(s, write=True)
        ids = {"paderborn": s.scalar(select(Tenant.id).where(Tenant.key == "paderborn"))}
        hx = Tenant(key="hoexter", name="Kreis Höxter", case_prefix="HX")
        s.add(hx)
        s.flush()
        ids["hoexter"] = hx.id
        state, _created = ensure_state_tenant(s, key="nrw", name="Land Nordrhein-Westfalen")
        ids["nrw"] = state.id
        add_state_user(
            s, tenant_key="nrw", username=STATE_USER, display_name="Landesstelle KIM", password=STATE_PASSWORD
        )
        for key, facts in FACTS.items():
            for kind, code, n in facts:
                _facts(s, ids[key], kind, code, n, YEAR, date(2025, 9, 1))
        _facts(s, ids["paderborn"], "persons_supported", None, 9, "2024/25", date(2025, 7, 31))
        _facts(s, ids["nrw"], "persons_supported", None, 50, YEAR, date(2025, 9, 1))  # never counted
        s.commit()
    return ids
