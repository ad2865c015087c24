"""Goal checks before a task completes (called by engine/tasks/service.py before the process moves).

- assessment and goal agreement: the members a need or a goal names belong to the case's household
  (``needs.N.member_ids``, ``goals.N.member_ids``);
- evaluation: each goal it picks (``progress.N.goal_id``) is one of this case's goals, not dropped and
  not picked twice. A case whose goals are rows must pick them by id; a case from before goals had ids
  (no rows) still describes its goals in free text (``progress.N.goal``).
Every problem is a German 422 naming the field; nothing is saved.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..errors import InvalidInput
from ..households.service import require_members
from .models import DROPPED
from .service import NO_SUCH_GOAL, goals_of

EVALUATION_FORMS = {"evaluation"}
# form key -> the array whose items may name household members
MEMBER_LISTS = {"assessment": "needs", "goal_agreement": "goals"}
PICK_ONE = "Bitte ein Ziel aus der Liste wählen."


def before_completion(session: Session, *, case, form_key: str | None, data: dict) -> None:
    """Refuse goals the case does not have and members outside its household (before the step)."""
    if case is None or not isinstance(data, dict):
        return  # a test run of a diagram has no case
    if form_key in MEMBER_LISTS:
        key = MEMBER_LISTS[form_key]
        for i, item in enumerate(data.get(key) or []):
            ids = item.get("member_ids") if isinstance(item, dict) else None
            if ids:
                require_members(session, case.id, ids, f"{key}.{i}.member_ids")
    elif form_key in EVALUATION_FORMS:
        errors = _progress_errors(session, case.id, data.get("progress") or [])
        if errors:
            first = next(iter(errors.values()))[0]
            raise InvalidInput(first, errors=errors)


def _progress_errors(session: Session, case_id: int, progress: list[Any]) -> dict[str, list[str]]:
    if not progress:
        return {}  # nothing to check: no query
    goals = {g.id: g for g in goals_of(session, case_id)}
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for i, item in enumerate(progress):
        if not isinstance(item, dict):
            continue
        field, goal_id = f"progress.{i}.goal_id", item.get("goal_id")
        if goal_id is None:
            if goals:
                errors[field] = [PICK_ONE]
            elif not item.get("goal"):
                errors[f"progress.{i}.goal"] = ["Pflichtfeld: bitte ausfüllen."]
            continue
        goal = goals.get(goal_id)
        if goal is None:
            errors[field] = [NO_SUCH_GOAL]
        elif goal.status == DROPPED:
            errors[field] = ["Dieses Ziel wurde aufgegeben; bitte ein anderes wählen."]
        elif goal_id in seen:
            errors[field] = ["Jedes Ziel nur einmal bewerten."]
        seen.add(goal_id)
    return errors
