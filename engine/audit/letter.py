"""The Art. 15 export as a letter to the person: the same export (engine/audit/export.py), in readable
sections, with the sender's data from the tenant and the storage period that applies.

The letter shows what the export holds; nothing is read a second time. Form data is shown with the
form's titles and labels (engine/casefile/forms.py), accesses are counted by role and action: the person
learns who (which function) read or changed the data, and when, without staff names.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from .. import vocabulary
from ..access.actor import Actor
from ..access.read import display_name
from ..casefile import forms as formview
from ..org.models import Tenant
from ..processes.service import current_form
from .export import export_person

READ_VERBS = {"read", "list", "history", "check", "export"}
READ, CHANGED = "eingesehen", "erfasst oder geändert"


@dataclass(frozen=True)
class FormEntry:
    title: str
    at: str | None
    fields: list[formview.FieldValue]


@dataclass(frozen=True)
class AccessLine:
    role_label: str
    action: str
    count: int
    first: str
    last: str


@dataclass
class CaseLetter:
    case_number: str
    pseudonym: str
    opened_at: str | None
    closed_at: str | None
    status_label: str
    person: list[tuple[str, str]] = field(default_factory=list)
    consents: list[str] = field(default_factory=list)
    referrals: list[str] = field(default_factory=list)
    forms: list[FormEntry] = field(default_factory=list)
    followups: list[str] = field(default_factory=list)
    accesses: list[AccessLine] = field(default_factory=list)


@dataclass
class Letter:
    tenant_name: str
    sender: str
    reason: str
    generated_at: str
    name: str
    birth_date: str | None
    retention_days: int
    cases: list[CaseLetter]
    export: dict[str, Any]


def _day(value: Any) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d.%m.%Y")
    except ValueError:
        return str(value)


def _person(case: dict) -> list[tuple[str, str]]:
    client = case.get("client") or {}
    rows = [("Vorname", case.get("given_name") or ""), ("Familienname", case.get("family_name") or "")]
    if client.get("birth_date"):
        rows.append(("Geburtsdatum", _day(client["birth_date"]) or ""))
    if client.get("nationality"):
        rows.append(("Staatsangehörigkeit", str(client["nationality"])))
    if client.get("languages"):
        rows.append(("Sprachen", ", ".join(str(x) for x in client["languages"])))
    return rows


def _forms(session: Session, part: dict, tenant_id: int) -> list[FormEntry]:
    keys = {t["id"]: t.get("form_key") for t in part["tasks"]}
    schemas: dict[str, dict | None] = {}
    out = []
    for entry in part["history"]:
        key = keys.get(entry.get("task_id") or "")
        if not entry.get("data") or not key:
            continue
        if key not in schemas:
            schemas[key] = current_form(session, key, tenant_id=tenant_id).schema
        fields = formview.readable(key, schemas[key], entry["data"])
        if fields:
            out.append(FormEntry(entry["title"], _day(entry.get("at")), fields))
    return out


def _accesses(rows: list[dict]) -> list[AccessLine]:
    counts: Counter[tuple[str, str]] = Counter()
    spans: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        verb = str(row["action"]).rpartition(".")[2]
        key = (role_label(row.get("role")), READ if verb in READ_VERBS else CHANGED)
        counts[key] += 1
        day = _day(row["at"]) or ""
        spans.setdefault(key, [day, day])[1] = day
    return [AccessLine(r, a, n, spans[(r, a)][0], spans[(r, a)][1]) for (r, a), n in sorted(counts.items())]


def _case(session: Session, part: dict, tenant_id: int) -> CaseLetter:
    case = part["case"]
    out = CaseLetter(
        case_number=case["case_number"],
        pseudonym=case["pseudonym"],
        opened_at=_day(case.get("opened_at")),
        closed_at=_day(case.get("closed_at")),
        status_label=case.get("status_label") or case["status"],
        person=_person(case),
    )
    for c in part["consents"]:
        what = c["kind_label"] + (f" gegenüber {c['agency_label']}" if c.get("agency_label") else "")
        state = f"widerrufen am {_day(c['withdrawn_at'])}" if c.get("withdrawn_at") else "gültig"
        out.consents.append(f"{what}, erteilt am {_day(c['given_on'])}, {state}")
    for r in part["referrals"]:
        out.referrals.append(f"{r.get('agency_label') or r['agency']}, verwiesen am {_day(r['referred_on'])}")
    out.forms = _forms(session, part, tenant_id)
    for f in part["followups"]:
        line = f"{f.get('status_label') or f['status']}, begonnen am {_day(f.get('started_at'))}"
        if f.get("outcome_label"):
            line += f", Ergebnis: {f['outcome_label']}"
        out.followups.append(line)
    out.accesses = _accesses(part["accesses"])
    return out


def person_letter(
    session: Session,
    *,
    user: Actor,
    default_retention_days: int,
    reason: str,
    case_id: int | None = None,
    family_name: str | None = None,
    given_name: str | None = None,
    birth_date: date | None = None,
) -> Letter:
    """Everything held on one person as a letter's content, with the export itself (DPO only; the export
    is recorded in the audit trail as every export is)."""
    export = export_person(
        session,
        user=user,
        reason=reason,
        case_id=case_id,
        family_name=family_name,
        given_name=given_name,
        birth_date=birth_date,
    )
    tenant = session.get_one(Tenant, user.tenant_id)
    first = export["cases"][0]["case"]
    return Letter(
        tenant_name=tenant.name,
        sender=display_name(session, user),
        reason=export["reason"],
        generated_at=_day(export["generated_at"]) or "",
        name=f"{first.get('given_name') or ''} {first.get('family_name') or ''}".strip(),
        birth_date=_day((first.get("client") or {}).get("birth_date")),
        retention_days=tenant.retention_days if tenant.retention_days is not None else default_retention_days,
        cases=[_case(session, part, user.tenant_id) for part in export["cases"]],
        export=export,
    )


def role_label(role: str | None) -> str:
    """A role as the letter names it."""
    return vocabulary.label("user.role", role) if role else "System"
