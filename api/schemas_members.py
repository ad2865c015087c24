"""Shapes of the household endpoints (members, their history) and of the duplicate check."""

from __future__ import annotations

from marshmallow import fields, validate

from engine.vocabulary import labels

from .schema_base import Schema

Str = fields.String
RELATIONSHIPS = sorted(labels("household.relationship"))
STATUSES = sorted(labels("residence.status"))
NAME = validate.Length(min=1, max=200)


class MemberCreateSchema(Schema):
    given_name = Str(required=True, validate=NAME)
    family_name = Str(required=True, validate=NAME)
    birth_date = fields.Date(load_default=None, allow_none=True)
    relationship = Str(
        required=True,
        validate=validate.OneOf(RELATIONSHIPS),
        metadata={"description": "to the case's person: partner, child, parent, sibling, ... (not 'self')"},
    )
    languages = fields.List(Str(validate=validate.Length(min=1, max=60)), validate=validate.Length(max=10))
    residence_status = Str(validate=validate.OneOf(STATUSES), allow_none=True)
    residence_valid_until = fields.Date(allow_none=True)


class MemberChangeSchema(Schema):
    """Only the fields sent are changed; each change is kept in the member's history."""

    given_name = Str(validate=NAME)
    family_name = Str(validate=NAME)
    birth_date = fields.Date(allow_none=True)
    relationship = Str(validate=validate.OneOf(RELATIONSHIPS))
    languages = fields.List(Str(validate=validate.Length(min=1, max=60)), validate=validate.Length(max=10))
    residence_status = Str(validate=validate.OneOf(STATUSES), allow_none=True)
    residence_valid_until = fields.Date(allow_none=True)


class LeaveSchema(Schema):
    reason = Str(required=True, validate=validate.Length(min=1, max=200))
    left_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "default: today"})


PERSONAL = {"description": "only for who sees personal data (the case manager); else null"}


class HouseholdMemberSchema(Schema):
    id = fields.Int()
    position = fields.Int(metadata={"description": "1 = the case's person"})
    relationship = Str()
    relationship_label = Str()
    joined_at = fields.DateTime()
    left_at = fields.DateTime(allow_none=True)
    current = fields.Bool()
    given_name = Str(allow_none=True, metadata=PERSONAL)
    family_name = Str(allow_none=True, metadata=PERSONAL)
    birth_date = Str(allow_none=True, metadata=PERSONAL)
    age = fields.Int(allow_none=True, metadata=PERSONAL)
    minor = fields.Bool(allow_none=True, metadata=PERSONAL)
    languages = fields.List(Str(), allow_none=True, metadata=PERSONAL)
    residence_status = Str(allow_none=True, metadata=PERSONAL)
    residence_status_label = Str(allow_none=True, metadata=PERSONAL)
    residence_valid_until = fields.Date(allow_none=True, metadata=PERSONAL)
    residence_expires_soon = fields.Bool(metadata={"description": "valid-until within 90 days"})
    left_reason = Str(allow_none=True, metadata=PERSONAL)


class HouseholdMemberListSchema(Schema):
    items = fields.List(fields.Nested(HouseholdMemberSchema))
    personal = fields.Bool()


class MemberChangeItemSchema(Schema):
    id = fields.Int()
    field = Str()
    field_label = Str()
    changed_at = fields.DateTime()
    who = Str()
    old = fields.Raw(allow_none=True, metadata=PERSONAL)
    new = fields.Raw(allow_none=True, metadata=PERSONAL)
    reason = Str(allow_none=True, metadata=PERSONAL)


class MemberHistorySchema(Schema):
    member = fields.Nested(HouseholdMemberSchema)
    items = fields.List(fields.Nested(MemberChangeItemSchema))


class DuplicateCheckRequestSchema(Schema):
    given_name = Str(required=True, validate=NAME)
    family_name = Str(required=True, validate=NAME)
    birth_date = fields.Date(load_default=None, allow_none=True)
    exclude_case_id = fields.Int(
        load_default=None, allow_none=True, metadata={"description": "leave out this case (adding a member)"}
    )


class DuplicateMatchSchema(Schema):
    case_id = fields.Int()
    case_number = Str()
    pseudonym = Str()
    member_id = fields.Int()
    position = fields.Int()
    given_name = Str()
    family_name = Str()
    birth_date = Str(allow_none=True)
    similarity = fields.Float(metadata={"description": "0..1"})
    swapped = fields.Bool(metadata={"description": "given and family name swapped"})


class DuplicateCheckSchema(Schema):
    matches = fields.List(fields.Nested(DuplicateMatchSchema), metadata={"description": "in my scope"})
    elsewhere = fields.Bool(
        metadata={"description": "a match outside my scope exists (nothing more is told)"}
    )
    message = Str(allow_none=True)
