"""Shapes of the task assignment endpoints (claim, unclaim, hand over)."""

from __future__ import annotations

from marshmallow import fields, validate

from engine.tasks.inbox import SORTS, VIEWS

from .schema_base import Schema
from .schemas import TaskListArgsSchema


class AssignRequestSchema(Schema):
    username = fields.String(
        required=True,
        validate=validate.Length(min=1, max=80),
        metadata={"description": "a case manager of the task's team or municipality"},
    )


class AssignmentSchema(Schema):
    id = fields.String()
    status = fields.String()
    assignee = fields.String(allow_none=True, metadata={"description": "user name of the assignee, if any"})


class InboxArgsSchema(TaskListArgsSchema):
    """The inbox's query: one view, refined by process, municipality and search, in one order."""

    view = fields.String(
        load_default="team",
        validate=validate.OneOf(VIEWS),
        metadata={
            "description": "mine (held by me), team (every task in scope, the default), unassigned, "
            "overdue, week (due by the end of this calendar week, Berlin time, overdue included)"
        },
    )
    sort = fields.String(
        load_default="due",
        validate=validate.OneOf(SORTS),
        metadata={"description": "due (due date, none last), case (case number), task (task title)"},
    )
    process = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "a process id, e.g. case_lifecycle"},
    )
    municipality = fields.String(
        validate=validate.Length(min=1, max=40),
        metadata={"description": "a municipality key of the tenant (county-wide teams), e.g. delbrueck"},
    )
    q = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "part of the case number, the pseudonym or the task title"},
    )
