"""Goals as people see them: the case page's section, the API's list, the evaluation form's choices.

Who sees personal data (the responsible case managers) gets each goal's text, target date, the members
it concerns and a drop reason; everyone else (coordinator, steering, DPO) only the life area and the
status. Readings are recorded (``goal.read``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import sees_personal_data
from ..audit.service import case_event, record
from ..cases.models import OPEN as CASE_OPEN
from ..cases.models import Case
from ..cases.service import get_case
from ..db import begin_write
from ..households.service import members_of
from ..vocabulary import label, labels, refresh
from .models import DROPPED, Goal
from .service import LIFE_AREAS, LINKED_HELP, goals_of

STATUS = "goal.progress"  # the evaluation's statuses plus open and dropped (engine/vocabulary.py)


@dataclass(frozen=True)
class GoalView:
    """One goal; the fields after ``source`` only for who sees personal data."""

    id: int
    life_area: str | None
    life_area_label: str
    status: str
    status_label: str
    dropped: bool
    source: str
    text: str | None = None
    target_date: date | None = None
    agreed_on: date | None = None
    evaluated_on: date | None = None
    linked_help: str | None = None
    linked_help_label: str | None = None
    member_ids: list[int] | None = None
    members: list[str] | None = None
    dropped_reason: str | None = None
    dropped_at: datetime | None = None


def _view(goal: Goal, personal: bool, names: dict[int, str]) -> GoalView:
    seen = GoalView(
        id=goal.id,
        life_area=goal.life_area,
        life_area_label=label(LIFE_AREAS, goal.life_area),
        status=goal.status,
        status_label=label(STATUS, goal.status),
        dropped=goal.status == DROPPED,
        source=goal.source,
    )
    if not personal:
        return seen
    ids = list(goal.member_ids or [])
    return replace(
        seen,
        text=goal.text,
        target_date=goal.target_date,
        agreed_on=goal.agreed_on,
        evaluated_on=goal.evaluated_on,
        linked_help=goal.linked_help,
        linked_help_label=label(LINKED_HELP, goal.linked_help) or None,
        member_ids=ids,
        members=[names.get(i, "?") for i in ids],
        dropped_reason=goal.dropped_reason,
        dropped_at=goal.dropped_at,
    )


def _views(session: Session, case: Case, personal: bool) -> list[GoalView]:
    refresh(session)
    names = (
        {m.id: f"{m.given_name} {m.family_name}" for m in members_of(session, case.id, current_only=False)}
        if personal
        else {}
    )
    return [_view(g, personal, names) for g in goals_of(session, case.id)]


def goal_list(session: Session, *, user: Actor, case_id: int) -> list[GoalView]:
    """The API's goals of a case (the reading is recorded)."""
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    return case_goals(session, user=user, case=case)


def goal_views(session: Session, *, user: Actor, case_id: int) -> list[GoalView]:
    """The goals of a case just changed by ``user`` (the change is recorded; no further reading)."""
    case = get_case(session, user=user, case_id=case_id)
    return _views(session, case, sees_personal_data(user))


def case_goals(session: Session, *, user: Actor, case: Case) -> list[GoalView]:
    """The goals of a case the user may see already (case page); the reading is recorded."""
    personal = sees_personal_data(user)
    record(session, user, case_event("goal.read", case, detail={"personal_data": personal}))
    return _views(session, case, personal)


@dataclass(frozen=True)
class GoalSection:
    """The case page's goals: each goal's state, and what the add form offers (case managers only)."""

    goals: list[GoalView]
    personal: bool
    can_change: bool  # the case is open and the reader its case manager (sees personal data)
    life_areas: list[tuple[str, str]]
    members: list[tuple[int, str]]


def case_section(session: Session, *, user: Actor, case: Case) -> GoalSection:
    """The case page's goal section (the reading is recorded)."""
    goals = case_goals(session, user=user, case=case)
    personal = sees_personal_data(user)
    can_change = personal and case.status == CASE_OPEN
    return GoalSection(
        goals=goals,
        personal=personal,
        can_change=can_change,
        life_areas=list(labels(LIFE_AREAS).items()) if can_change else [],
        members=[(m.id, f"{m.given_name} {m.family_name}") for m in members_of(session, case.id)]
        if can_change
        else [],
    )


def goal_choices(session: Session, case_id: int) -> list[tuple[int, str]]:
    """The goals an evaluation may pick (not dropped), as (id, title) for the task form."""
    refresh(session)
    out = []
    for g in goals_of(session, case_id):
        if g.status == DROPPED:
            continue
        area = label(LIFE_AREAS, g.life_area)
        out.append((g.id, f"{g.text} ({area})" if area else g.text))
    return out


# Choices a form fills per case: a field marked "x-choices" gets its "enum" and "x-enum-titles" when the
# task form is shown. A goal choice names the free-text field it replaces ("x-replaces"): a case with
# goal rows picks one of them; a case from before goals had ids keeps the free text instead.
CASE_GOALS, CASE_MEMBERS = "case.goals", "case.members"


def form_choices(session: Session, schema: dict | None, case_id: int | None) -> dict | None:
    """``schema`` with the case's goals and household members filled in where a field asks for them."""
    if not schema or case_id is None or "x-choices" not in str(schema):
        return schema
    found: dict[str, list[tuple[int, str]]] = {}

    def choices(kind: str) -> list[tuple[int, str]]:
        if kind not in found:
            if kind == CASE_GOALS:
                found[kind] = goal_choices(session, case_id)
            else:
                members = members_of(session, case_id)
                found[kind] = [(m.id, f"{m.given_name} {m.family_name}") for m in members]
        return found[kind]

    return _fill(schema, choices)


def _fill(node: dict, choices) -> dict:
    out = dict(node)
    props = node.get("properties")
    if isinstance(props, dict):
        props = {k: _fill(v, choices) if isinstance(v, dict) else v for k, v in props.items()}
        for key, spec in list(props.items()):
            kind = spec.get("x-choices") if isinstance(spec, dict) else None
            if kind not in (CASE_GOALS, CASE_MEMBERS):
                continue
            options = choices(kind)
            target = spec["items"] if spec.get("type") == "array" else spec
            if options:
                target = {**target, "enum": [i for i, _ in options], "x-enum-titles": [t for _, t in options]}
                props[key] = {**spec, "items": target} if spec.get("type") == "array" else target
                if spec.get("x-replaces") in props:
                    del props[spec["x-replaces"]]
            elif spec.get("x-replaces") in props:
                del props[key]  # nothing to choose: the free text it replaces stays
        out["properties"] = props
        out["required"] = [r for r in node.get("required") or [] if r in props]
        if not out["required"]:
            out.pop("required", None)
    if isinstance(node.get("items"), dict):
        out["items"] = _fill(node["items"], choices)
    return out
