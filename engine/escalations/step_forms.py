"""The forms of escalation steps as the pages show them: the step a topic waits at, whether the reader
may decide it, and the existing working groups to choose from.

The schema shown is the deployed form's; only ``working_group_id`` gets the county's working groups as
its choices. What is submitted is validated against the deployed form itself (decisions.check_step).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..errors import Forbidden
from ..processes.service import current_form
from ..tasks.models import READY, TaskRecord
from ..vocabulary import label
from .access import load_topic, may_decide
from .models import OPEN, WORKING_GROUP, Body, Topic
from .steps import STEPS

WORKING_GROUP_FIELD = "working_group_id"


@dataclass(frozen=True)
class StepForm:
    """The step a topic waits at and its form; ``refusal`` says why the reader may not decide it."""

    step: str
    name: str
    schema: dict
    date_field: str
    refusal: str | None
    body: str | None  # the body whose meeting normally records this step


def with_working_groups(session: Session, tenant_id: int, schema: dict) -> dict:
    """A copy of ``schema`` whose ``working_group_id`` offers the county's working groups by name."""
    out = copy.deepcopy(schema)
    spec = (out.get("properties") or {}).get(WORKING_GROUP_FIELD)
    if spec is None:
        return out
    groups = session.execute(
        select(Body.id, Body.name)
        .where(Body.tenant_id == tenant_id, Body.kind == WORKING_GROUP, Body.active.is_(True))
        .order_by(Body.name)
    ).all()
    if not groups:
        del out["properties"][WORKING_GROUP_FIELD]
    else:
        spec["enum"] = [g.id for g in groups]
        spec["x-enum-titles"] = [g.name for g in groups]
    return out


def form_of(session: Session, topic: Topic) -> dict | None:
    """The form of the step the topic waits at (with the working groups), if it waits at one."""
    if topic.status != OPEN or topic.waiting_step not in STEPS or topic.waiting_task_id is None:
        return None
    row = session.get(TaskRecord, topic.waiting_task_id)
    if row is None or row.status != READY or row.form_key is None:
        return None
    return with_working_groups(
        session, topic.tenant_id, current_form(session, row.form_key, tenant_id=topic.tenant_id).schema
    )


def step_form(session: Session, *, user: Actor, topic_id: int) -> StepForm | None:
    """The waiting step's form for the topic page (None when the topic waits at no step)."""
    topic = load_topic(session, user, topic_id)
    schema = form_of(session, topic)
    if schema is None or topic.waiting_step is None:
        return None
    step = STEPS[topic.waiting_step]
    try:
        may_decide(user, topic, step)
        refusal = None
    except Forbidden as exc:
        refusal = exc.detail
    body = session.get(Body, topic.waiting_body_id) if step.body and topic.waiting_body_id else None
    return StepForm(
        step=topic.waiting_step,
        name=label("topic.step", topic.waiting_step),
        schema=schema,
        date_field=step.date_field,
        refusal=refusal,
        body=body.name if body else None,
    )
