"""What a completion that the process model broke leaves behind: the entries as a draft, an incident.

``complete_task`` (engine/tasks/service.py) raises ProcessModelError when the engine fails at run
time; the request rolls back everything it did, and then ``keep_after_failure`` runs in a unit of
work of its own: the user's entries become the task's draft (as ``engine/tasks/drafts.py`` would
save them), the process owners get an incident (engine/processes/incidents.py), the audit trail
and the metrics record both. Nothing of the step itself is saved.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .. import metrics
from .. import workflow as wf
from ..access.actor import Actor
from ..audit.service import Event, record
from ..cases.models import Case
from ..clock import utcnow
from ..db import begin_write
from ..instances.models import ProcessInstance
from ..processes import incidents
from ..processes.decisions import without_decisions
from ..processes.service import current_form
from .models import READY, TaskDraft, TaskRecord


def store_draft(session: Session, *, user: Actor, row: TaskRecord, data: dict[str, Any]) -> TaskDraft:
    """Store (or replace) the task's draft without decisions, and record it in the audit trail."""
    schema = current_form(session, row.form_key, tenant_id=row.tenant_id).schema if row.form_key else None
    data = without_decisions(schema, data)
    draft = session.get(TaskDraft, row.id)
    if draft is None:
        draft = TaskDraft(task_id=row.id)
        session.add(draft)
    draft.data, draft.saved_by_id, draft.saved_at = data, user.id, utcnow()
    case = session.get(Case, row.case_id) if row.case_id else None
    record(
        session,
        user,
        Event(
            "task.draft_save",
            "task",
            row.id,
            case_id=row.case_id,
            pseudonym=case.pseudonym if case else None,
            detail={"bpmn_id": row.bpmn_id, "form_key": row.form_key},
        ),
    )
    return draft


def keep_after_failure(
    session: Session, *, user: Actor, task_id: str, data: dict[str, Any], failure: wf.EngineFailure
) -> None:
    """In a fresh unit after the rollback: the entries as the task's draft, the incident, the count."""
    begin_write(session)
    row = session.get(TaskRecord, task_id)
    if row is None:
        return
    instance = session.get_one(ProcessInstance, row.instance_id)
    if row.status == READY:
        store_draft(session, user=user, row=row, data=data)
    incident = incidents.record(
        session,
        failure=failure,
        where=incidents.Where(
            instance.process_version_id, instance.id, row.tenant_id, "task", task_id=task_id
        ),
    )
    metrics.process_incident(session, incident.process_id, incident.kind)
