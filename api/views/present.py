"""Turning engine rows into response dicts, leaving out what the user may not see."""
from __future__ import annotations

from engine.access.actor import Actor
from engine.access.service import sees_personal_data
from engine.cases.models import Case
from engine.history_labels import shown, state_label, title
from engine.instances.models import HistoryEntry
from engine.vocabulary import label


def case_summary(case: Case, user: Actor) -> dict:
    """A case as the user may see it: client data only for the responsible case managers."""
    out = {
        "id": case.id, "case_number": case.case_number, "pseudonym": case.pseudonym,
        "status": case.status, "status_label": label("case.status", case.status),
        "closure_reason": case.closure_reason,
        "closure_reason_label": label("case.closure_reason", case.closure_reason) or None,
        "route": case.route, "route_label": label("case.route", case.route) or None,
        "municipality": case.municipality.name, "team": case.team.name if case.team else None,
        "opened_at": case.opened_at, "closed_at": case.closed_at,
        "case_manager": case.case_manager.display_name if case.case_manager else None,
    }
    if sees_personal_data(user):
        out["client"] = case.client
    return out


def history_item(entry: HistoryEntry, user: Actor) -> dict:
    """A history row; submitted form data only for the responsible case managers."""
    return {
        "id": entry.id, "task_id": entry.task_id, "bpmn_id": entry.bpmn_id, "name": entry.name,
        "kind": entry.kind, "state": entry.state, "title": title(entry), "state_label": state_label(entry),
        "readable": shown(entry), "lane": entry.lane, "at": entry.at,
        "user_id": entry.user_id, "data": entry.data if sees_personal_data(user) else None,
    }
