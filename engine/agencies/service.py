"""Looking up a tenant's agencies, and seeding them.

Every tenant has the agencies of the consent vocabulary (``consent.agency``: code = kind, the label as
name) and those its seed file adds (e.g. the county's and the city's foreigners' and naturalisation
authorities: own codes, the vocabulary's kind). The existing codes therefore keep working everywhere;
a code the table lacks (a tenant not yet seeded) still counts as an agency of its own kind with the
vocabulary's label and the default period, so no referral ever loses its agency.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InvalidInput
from ..vocabulary import labels
from .models import REMINDER_DAYS, Agency

CODE_LENGTH = 40


@dataclass(frozen=True)
class AgencyInfo:
    code: str
    name: str
    kind: str
    reminder_days: int | None  # None: the tenant's referral period applies


def _vocabulary() -> dict[str, str]:
    return labels("consent.agency")


def agencies_of(session: Session, tenant_id: int) -> list[AgencyInfo]:
    """The tenant's agencies by name: its rows, and every vocabulary agency it has no row for."""
    rows = session.scalars(select(Agency).where(Agency.tenant_id == tenant_id)).all()
    out = {r.code: AgencyInfo(r.code, r.name, r.kind, r.reminder_days) for r in rows}
    for code, name in _vocabulary().items():
        out.setdefault(code, AgencyInfo(code, name, code, None))
    return sorted(out.values(), key=lambda a: a.name.casefold())


def find_agency(session: Session, tenant_id: int, code: str | None) -> AgencyInfo | None:
    """The tenant's agency ``code`` (None if it has none of that code)."""
    if not code:
        return None
    row = session.scalars(select(Agency).where(Agency.tenant_id == tenant_id, Agency.code == code)).first()
    if row is not None:
        return AgencyInfo(row.code, row.name, row.kind, row.reminder_days)
    name = _vocabulary().get(code)
    return AgencyInfo(code, name, code, None) if name else None


def reminder_days_of(session: Session, tenant_id: int, code: str, tenant_days: int | None) -> int:
    """Days agency ``code`` has to answer: its own period, else the tenant's, else 14."""
    found = find_agency(session, tenant_id, code)
    for days in (found.reminder_days if found else None, tenant_days):
        if isinstance(days, int) and days > 0:
            return days
    return REMINDER_DAYS


def agency_names(session: Session, tenant_id: int) -> dict[str, str]:
    """Code -> name of the tenant's agencies."""
    return {a.code: a.name for a in agencies_of(session, tenant_id)}


def agency_name(session: Session, tenant_id: int, code: str) -> str:
    """The name of the tenant's agency ``code`` (the code marked as unknown if it has none)."""
    found = find_agency(session, tenant_id, code)
    return found.name if found else f"unbekannte Stelle ({code})"


def seed_agencies(session: Session, tenant_id: int, extra: list[dict]) -> int:
    """Create or update the tenant's agencies: one per vocabulary agency, plus the seed's ``extra``
    ({code, name, kind, reminder_days}); returns how many rows are new. Nothing is deleted: referrals
    and accounts keep their codes."""
    kinds = _vocabulary()
    wanted: dict[str, dict] = {c: {"code": c, "name": n, "kind": c} for c, n in kinds.items()}
    own = {str(e.get("code") or ""): e for e in extra or []}
    wanted.update(own)
    existing = {r.code: r for r in session.scalars(select(Agency).where(Agency.tenant_id == tenant_id))}
    new = 0
    for entry in wanted.values():
        code, kind = str(entry.get("code") or ""), str(entry.get("kind") or "")
        if not code or len(code) > CODE_LENGTH or kind not in kinds:
            raise InvalidInput(
                "Ungültige Stelle in der Seed-Datei.",
                errors={"agencies": [f"Stelle „{code}“: Kürzel (höchstens 40 Zeichen) und Art prüfen."]},
            )
        raw = entry.get("reminder_days")
        days = raw if isinstance(raw, int) and raw > 0 else None
        name = str(entry.get("name") or code)[:200]
        row = existing.get(code)
        if row is None:
            session.add(Agency(tenant_id=tenant_id, code=code, name=name, kind=kind, reminder_days=days))
            new += 1
        elif code in own:  # the seed's own agencies follow the seed; the vocabulary's stay as they are
            row.name, row.kind, row.reminder_days = name, kind, days
    session.flush()
    return new
