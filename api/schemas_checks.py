"""Schemas of the authorities' checks (Baustein 3, engine/checks)."""

from __future__ import annotations

from marshmallow import fields, validate

from .schema_base import Schema

Str = fields.String


class CheckStartSchema(Schema):
    kind = Str(
        required=True,
        validate=validate.Length(max=20),
        metadata={"description": "residence (Bleiberechtsprüfung) | naturalisation (Einbürgerungsprüfung)"},
    )


class CriterionGoalSchema(Schema):
    criterion = Str(
        required=True,
        validate=validate.Length(min=1, max=60),
        metadata={"description": "a missing criterion's key in the check's result"},
    )


class CriterionSchema(Schema):
    key = Str()
    title = Str()
    met = fields.Bool()
    life_area = Str(allow_none=True)
    life_area_label = Str(allow_none=True)
    what = Str(allow_none=True, metadata={"description": "only for who sees personal data"})
    possible_from = Str(allow_none=True, metadata={"description": "ISO date from when it could be met"})
    goal_id = fields.Int(allow_none=True)
    can_make_goal = fields.Bool()


class PathSchema(Schema):
    path = Str()
    title = Str()
    met = fields.Bool()
    criteria = fields.List(fields.Nested(CriterionSchema))


class CheckSchema(Schema):
    """A check: kind, status, pinned form version and the result per path once done."""

    id = fields.Int()
    kind = Str()
    kind_label = Str()
    status = Str(metadata={"description": "running | finished | stopped"})
    status_label = Str()
    agency = Str()
    agency_name = Str()
    referral_id = fields.Int()
    form_version = fields.Int(metadata={"description": "the checklist's version the check keeps"})
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    met = fields.Bool(allow_none=True)
    paths = fields.List(fields.Nested(PathSchema))
    notes = Str(allow_none=True)


class CheckListSchema(Schema):
    items = fields.List(fields.Nested(CheckSchema))


class CheckGoalSchema(Schema):
    goal_id = fields.Int()
    check_id = fields.Int()
    criterion = Str()
