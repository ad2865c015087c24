"""Everything held about a person and every access to it (GDPR Art. 15), for the DPO.

Machine-readable (the stored codes stay) and readable: beside every column holding a code the export
gives ``<column>_label``, each history entry its title and, for form data, ``data_labels`` with the
codes of enum fields replaced by their labels (all from engine/vocabulary.py).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import vocabulary
from ..access.actor import Actor
from ..cases.models import Case
from ..clock import utcnow
from ..consents.models import Consent, Referral
from ..db import begin_write
from ..errors import InvalidInput, NotFound
from ..followups.models import FollowUp
from ..history_labels import shown, state_label, title
from ..instances.models import HistoryEntry
from ..retention.models import DeletionRecord
from ..tasks.models import TaskRecord
from .models import AuditEntry
from .service import case_event, record, require_dpo

FORMAT = "kim-art15-export/1"
# Columns holding codes, by table, with the vocabulary of their labels.
LABELLED: dict[str, dict[str, str]] = {
    "cases": {"status": "case.status", "closure_reason": "case.closure_reason", "route": "case.route"},
    "consents": {"kind": "consent.kind", "agency": "consent.agency"},
    "referrals": {"agency": "referral.agency"},
    "tasks": {"status": "task.status", "role": "user.role"},
    "followups": {
        "status": "followup.status",
        "responsible": "uma_coordination.responsible",
        "placement_kind": "uma_job_start.placement_kind",
        "outcome": "followup.outcome",
    },
    "deletion_records": {"reason": "deletion.reason"},
    "audit_log": {"role": "user.role"},
}


def _row(obj, skip=()) -> dict:
    out = {}
    labelled = LABELLED.get(obj.__tablename__, {})
    for col in obj.__table__.columns:
        if col.key in skip:
            continue
        value = getattr(obj, col.key)
        out[col.key] = value.isoformat() if isinstance(value, date) else value
        if col.key in labelled:
            out[f"{col.key}_label"] = vocabulary.label(labelled[col.key], value) or None
    return out


def _history(entries: list[HistoryEntry], form_keys: dict[str, str | None]) -> list[dict]:
    """History rows with their title, what happened, and the form data as a person reads it."""
    out = []
    for entry in entries:
        row = _row(entry)
        row.update(
            {
                "title": title(entry),
                "state_label": state_label(entry),
                "readable": shown(entry),
                "data_labels": vocabulary.label_data(form_keys.get(entry.task_id or ""), entry.data),
            }
        )
        out.append(row)
    return out


def find_cases(
    session: Session,
    user: Actor,
    *,
    case_id: int | None,
    family_name: str | None,
    given_name: str | None,
    birth_date: date | None,
) -> list[Case]:
    """The tenant's cases of one person: by case id, or by name (and birth date)."""
    cond = [Case.tenant_id == user.tenant_id]
    if case_id is not None:
        cond.append(Case.id == case_id)
    elif family_name:
        cond.append(Case.family_name == family_name.strip())
        if given_name:
            cond.append(Case.given_name == given_name.strip())
    else:
        raise InvalidInput(
            "Bitte eine Fallnummer (case_id) oder den Familiennamen angeben.",
            errors={"case_id": ["Fallnummer oder Name erforderlich."]},
        )
    cases = list(session.scalars(select(Case).where(*cond).order_by(Case.id)))
    if birth_date is not None:
        cases = [c for c in cases if (c.client or {}).get("birth_date") == birth_date.isoformat()]
    return cases


def export_person(
    session: Session,
    *,
    user: Actor,
    reason: str,
    case_id: int | None = None,
    family_name: str | None = None,
    given_name: str | None = None,
    birth_date: date | None = None,
) -> dict:
    """A machine-readable export of all data held on the person and all accesses to it."""
    require_dpo(user)
    if not reason or len(reason.strip()) < 5:
        raise InvalidInput(
            "Bitte den Anlass der Auskunft angeben (z. B. Antrag vom ...).",
            errors={"reason": ["Anlass erforderlich."]},
        )
    begin_write(session)
    vocabulary.refresh(session)
    cases = find_cases(
        session, user, case_id=case_id, family_name=family_name, given_name=given_name, birth_date=birth_date
    )
    if not cases:
        raise NotFound("Zu diesen Angaben gibt es keinen Fall.")
    exported: list[dict] = []
    out = {
        "format": FORMAT,
        "generated_at": utcnow().isoformat(),
        "generated_by": user.username,
        "reason": reason.strip(),
        "cases": exported,
    }
    for case in cases:

        def objects(model, *cond, order=None):
            return list(session.scalars(select(model).where(*cond).order_by(order or model.id)))

        def rows(model, *cond, order=None, skip=()):
            return [_row(r, skip) for r in objects(model, *cond, order=order)]

        tasks = objects(TaskRecord, TaskRecord.case_id == case.id, order=TaskRecord.created_at)
        exported.append(
            {
                "case": _row(case),
                "consents": rows(Consent, Consent.case_id == case.id),
                "referrals": rows(Referral, Referral.case_id == case.id),
                "history": _history(
                    objects(HistoryEntry, HistoryEntry.case_id == case.id), {t.id: t.form_key for t in tasks}
                ),
                "tasks": [_row(t) for t in tasks],
                "followups": rows(FollowUp, FollowUp.case_id == case.id),
                "deletions": rows(DeletionRecord, DeletionRecord.case_id == case.id),
                "accesses": rows(
                    AuditEntry, AuditEntry.case_id == case.id, skip=("prev_hash", "hash", "key_id")
                ),
            }
        )
    record(session, user, *(case_event("privacy.export", c, reason=reason.strip()[:500]) for c in cases))
    return out
