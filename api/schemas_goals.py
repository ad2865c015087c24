"""Schemas of a case's goals: list, add, drop (engine/goals)."""

from __future__ import annotations

from marshmallow import fields, validate

from .schema_base import Schema
from .schemas import MAX_ID

Str = fields.String


class GoalSchema(Schema):
    """A goal; text, dates, members and drop reason only for who sees personal data (else null)."""

    id = fields.Int()
    life_area = Str(allow_none=True, metadata={"description": "form goal_agreement, goals.life_area"})
    life_area_label = Str()
    status = Str(
        metadata={
            "description": "open | achieved | partly_achieved | in_progress | not_achieved | dropped "
            "(the latest evaluation's status)"
        }
    )
    status_label = Str()
    dropped = fields.Bool()
    source = Str(metadata={"description": "agreement (goal agreement) | added (later)"})
    text = Str(allow_none=True)
    target_date = fields.Date(allow_none=True)
    agreed_on = fields.Date(allow_none=True)
    evaluated_on = fields.Date(allow_none=True)
    linked_help = Str(allow_none=True)
    linked_help_label = Str(allow_none=True)
    member_ids = fields.List(fields.Int(), allow_none=True)
    members = fields.List(Str(), allow_none=True)
    dropped_reason = Str(allow_none=True)
    dropped_at = fields.DateTime(allow_none=True)


class GoalListSchema(Schema):
    items = fields.List(fields.Nested(GoalSchema))


class GoalCreateSchema(Schema):
    text = Str(required=True, validate=validate.Length(min=1, max=500))
    life_area = Str(
        required=True, validate=validate.Length(max=40), metadata={"description": "life-area code"}
    )
    target_date = fields.Date(load_default=None, allow_none=True)
    member_ids = fields.List(
        fields.Int(validate=validate.Range(min=1, max=MAX_ID)),
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=20),
        metadata={"description": "household members the goal concerns (GET /cases/{id}: the household)"},
    )
    linked_help = Str(load_default=None, allow_none=True, validate=validate.Length(max=40))


class GoalDropSchema(Schema):
    reason = Str(required=True, validate=validate.Length(min=1, max=500))
