"""Loading the organisation seed and looking up municipalities and teams."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..access.models import User
from ..access.service import hash_password
from ..agencies.service import seed_agencies
from ..clock import utcnow
from ..db import begin_write
from ..errors import InvalidInput
from .models import Municipality, Region, Team, Tenant
from .seed_check import require_valid_seed


def _upsert(session: Session, model, where: dict, values: dict):
    row = session.scalars(select(model).filter_by(**where)).first()
    if row is None:
        row = model(**where, **values)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    session.flush()
    return row


def read_seed(seed_file: Path) -> dict:
    """The seed file's JSON (InvalidInput naming the file if it is missing or no JSON)."""
    try:
        seed = json.loads(seed_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        missing = f"Die Seed-Datei {seed_file} gibt es nicht."
        raise InvalidInput(missing, errors={"(Datei)": ["fehlt"]}) from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"Die Seed-Datei {seed_file} ist kein gültiges JSON.",
            errors={"(Datei)": [f"Zeile {exc.lineno}, Spalte {exc.colno}: {exc.msg}"]},
        ) from None
    except UnicodeDecodeError:
        raise InvalidInput(
            f"Die Seed-Datei {seed_file} ist nicht in UTF-8 geschrieben.", errors={"(Datei)": ["kein UTF-8"]}
        ) from None
    return seed


def _terms(seed: dict) -> dict:
    """What ``tenants.terms`` keeps: the seed's ``terms``, whether there is a UmA team, and each body's
    meeting rhythm and region (engine/org/terms.py reads it)."""
    out = dict(seed.get("terms") or {})
    out.setdefault("uma_team", any(t["key"] == "uma" for t in seed.get("teams", [])))
    place_region = {m["key"]: m.get("region") for m in seed["municipalities"]}
    bodies = {
        b["key"]: {
            "rhythm_months": b.get("rhythm_months"),
            "region": b.get("region") or place_region.get(b.get("municipality") or ""),
        }
        for b in seed.get("bodies", [])
    }
    bodies = {k: {f: v for f, v in spec.items() if v is not None} for k, spec in bodies.items()}
    out["bodies"] = {k: v for k, v in bodies.items() if v}
    return out


def seed_organisation(session: Session, seed_file: Path | dict, demo: bool) -> dict[str, int]:
    """Create or update a tenant's organisation (and, in demo mode, its demo accounts) from a seed file
    or its parsed JSON; the seed is checked first (engine/org/seed_check.py), nothing is written if it
    has any error. Running it again with the same seed changes nothing."""
    seed = require_valid_seed(read_seed(seed_file) if isinstance(seed_file, Path) else seed_file)
    t = seed["tenant"]
    begin_write(session)
    _refuse_taken_prefix(session, t["key"], t["case_prefix"])
    tenant = _upsert(
        session,
        Tenant,
        {"key": t["key"]},
        {
            "name": t["name"],
            "case_prefix": t["case_prefix"],
            "retention_days": t.get("retention_days"),
            "reopen_days": t.get("reopen_days"),
            "referral_reminder_days": t.get("referral_reminder_days"),
            "controller_address": t.get("controller_address"),
            "dpo_contact": t.get("dpo_contact"),
            "terms": _terms(seed),
        },
    )
    regions = {}
    for r in seed.get("regions", []):
        regions[r["key"]] = _upsert(
            session, Region, {"tenant_id": tenant.id, "key": r["key"]}, {"name": r["name"]}
        )
    municipalities = {}
    for m in seed["municipalities"]:
        region = regions.get(m.get("region")) if m.get("region") else None
        municipalities[m["key"]] = _upsert(
            session,
            Municipality,
            {"tenant_id": tenant.id, "key": m["key"]},
            {
                "name": m["name"],
                "region_id": region.id if region else None,
                "has_case_management": m.get("case_management", True),
                "population": m.get("population"),
                "weight": m.get("weight"),
                "case_managers": m.get("case_managers"),
                "active_from": m.get("active_from"),
            },
        )
    teams = {}
    for tm in seed.get("teams", []):
        teams[tm["key"]] = _upsert(
            session,
            Team,
            {"tenant_id": tenant.id, "key": tm["key"]},
            {"name": tm["name"], "description": tm.get("description")},
        )
    seed_agencies(session, tenant.id, seed.get("agencies", []))
    accounts = 0
    if demo:
        for acc in seed.get("demo_accounts", []):
            # per tenant: another county's ``coordinator`` is another account (never moved here)
            existing = session.scalars(
                select(User).where(User.tenant_id == tenant.id, User.username == acc["username"])
            ).first()
            values = {
                "display_name": acc["display_name"],
                "role": acc["role"],
                "tenant_id": tenant.id,
                "municipality_id": municipalities[acc["municipality"]].id
                if acc.get("municipality")
                else None,
                "team_id": teams[acc["team"]].id if acc.get("team") else None,
                "active": True,
                "agency": acc.get("agency"),
            }
            if existing is None:
                session.add(
                    User(
                        username=acc["username"],
                        password_hash=hash_password(acc["password"]),
                        created_at=utcnow(),
                        **values,
                    )
                )
                accounts += 1
            else:
                for key, value in values.items():
                    setattr(existing, key, value)
    session.flush()
    return {
        "municipalities": len(municipalities),
        "regions": len(regions),
        "teams": len(teams),
        "new_accounts": accounts,
    }


def _refuse_taken_prefix(session: Session, key: str, prefix: str) -> None:
    """Case numbers are unique in the installation and begin with the tenant's prefix: two tenants with
    one prefix would number their cases alike, and the second one's first case would fail."""
    other = session.scalars(select(Tenant).where(Tenant.case_prefix == prefix, Tenant.key != key)).first()
    if other is not None:
        message = (
            f"Das Aktenzeichen-Präfix '{prefix}' hat schon '{other.name}' ({other.key}); "
            "bitte ein anderes wählen, sonst wären Aktenzeichen doppelt"
        )
        raise InvalidInput("Die Seed-Datei hat 1 Fehler.", errors={"tenant.case_prefix": [message]})


def _by_key_or_name(session: Session, model, tenant_id: int, key_or_name: str):
    """The row whose key is ``key_or_name`` (as the seed writes keys: lower case), else the first whose
    key or name equals it without regard to case. A key wins over another row's name."""
    needle = (key_or_name or "").strip().casefold()
    row = session.scalars(_by_key(model), {"of_tenant": tenant_id, "by_key": needle}).first()
    if row is not None:
        return row
    rows = session.scalars(_of_tenant(model), {"of_tenant": tenant_id}).all()
    return next((r for r in rows if needle in (r.key.casefold(), r.name.casefold())), None)


@cache
def _by_key(model):
    """A tenant's municipality or team (``model``) by its key (unique per tenant), built once."""
    return select(model).where(model.tenant_id == bindparam("of_tenant"), model.key == bindparam("by_key"))


@cache
def _of_tenant(model):
    """A tenant's municipalities or teams (``model``), the statement built once."""
    return select(model).where(model.tenant_id == bindparam("of_tenant"))


def find_municipality(session: Session, tenant_id: int, key_or_name: str) -> Municipality:
    """A municipality of the tenant by its key or its name (case-insensitive)."""
    row = _by_key_or_name(session, Municipality, tenant_id, key_or_name)
    if row is None:
        raise InvalidInput(
            "Unbekannte Gemeinde.",
            errors={"municipality": [f"Die Gemeinde '{key_or_name}' gibt es in diesem Kreis nicht."]},
        )
    return row


def filter_id(session: Session, tenant_id: int, model, key_or_name: str) -> int:
    """The id a list filter on a municipality or team (``model``) compares with; an unknown one
    matches nothing (no row has id 0): an empty list, as documented, not a 422."""
    row = _by_key_or_name(session, model, tenant_id, key_or_name)
    return row.id if row is not None else 0


def find_team(session: Session, tenant_id: int, key_or_name: str) -> Team:
    """A team of the tenant by its key or its name (case-insensitive)."""
    row = _by_key_or_name(session, Team, tenant_id, key_or_name)
    if row is None:
        raise InvalidInput(
            "Unbekanntes Team.", errors={"team": [f"Das Team '{key_or_name}' gibt es in diesem Kreis nicht."]}
        )
    return row
