"""Shapes of the task assignment endpoints (claim, unclaim, hand over)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


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
