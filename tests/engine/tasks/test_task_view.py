"""A task's view is the same whether it comes from a task row object or from a row of the inbox's
columns, which ``task_view`` takes in their order without looking each one up by name."""

from __future__ import annotations

from dataclasses import fields

from sqlalchemy import select

from engine.access.actor import Actor
from engine.access.models import User
from engine.cases.service import open_case
from engine.tasks import service
from engine.tasks.models import TaskRecord
from engine.tasks.read import TaskView, task_view
from engine.uow import unit_of_work


def test_the_inbox_columns_are_the_views_fields_in_order():
    assert [c.key for c in service.LISTED] == [f.name for f in fields(TaskView)]


def test_a_listed_row_and_the_task_object_give_the_same_view(app):
    sessions = app.extensions["kim"]["sessions"]
    with sessions() as s:
        u = s.scalars(select(User).where(User.username == "cm-borchen")).one()
        actor = Actor(u.id, u.username, u.role, u.tenant_id, u.municipality_id, u.team_id)
    with unit_of_work(sessions) as s:
        case_id = open_case(
            s, user=actor, municipality="Borchen", client={"given_name": "A", "family_name": "B"}
        ).id
    with sessions() as s:
        row = s.execute(select(*service.LISTED).where(TaskRecord.case_id == case_id)).one()
        task = s.get(TaskRecord, row.id)
        from_row, from_object = task_view(row), task_view(task)
    assert from_row == from_object
    assert from_row.case_id == case_id and from_row.status == "ready" and from_row.created_at is not None
