"""Schemas of the agencies' workspace (inbox, one referral, the actions) and the coordinators' overview."""

from __future__ import annotations

from marshmallow import fields, validate

from .schema_base import Schema

Str = fields.String
Text = Str(validate=validate.Length(max=2000), allow_none=True)


class InboxArgsSchema(Schema):
    status = Str(
        validate=validate.OneOf(
            ["open", "sent", "received", "in_progress", "question", "answered", "declined", "no_answer"]
        ),
        metadata={"description": "a status, or 'open' (sent, received, in progress, question open)"},
    )
    overdue = fields.Boolean(load_default=False, metadata={"description": "only overdue referrals"})
    sort = Str(load_default="due", validate=validate.OneOf(["due", "sent", "status"]))


class InboxRowSchema(Schema):
    id = fields.Int()
    case_number = Str()
    client_name = Str(metadata={"description": "the addressed agency sees the client's name"})
    need_label = Str()
    status = Str()
    status_label = Str()
    referred_on = fields.Date()
    due_on = fields.Date(allow_none=True)
    overdue = fields.Bool()
    answered_at = fields.DateTime(allow_none=True)


class InboxSchema(Schema):
    agency = Str()
    agency_name = Str()
    rows = fields.List(fields.Nested(InboxRowSchema))
    total = fields.Int()


class ExchangeSchema(Schema):
    question = Str()
    asked_at = Str(allow_none=True)
    reply = Str(allow_none=True)
    replied_at = Str(allow_none=True)


class AgencyReferralSchema(Schema):
    id = fields.Int()
    agency = Str()
    agency_name = Str()
    case_number = Str()
    client_name = Str()
    birth_date = Str(allow_none=True)
    members = fields.List(Str())
    need_label = Str()
    reason = Str(allow_none=True)
    status = Str()
    status_label = Str()
    referred_on = fields.Date()
    due_on = fields.Date(allow_none=True)
    overdue = fields.Bool()
    answered_at = fields.DateTime(allow_none=True)
    answer_text = Str(allow_none=True)
    check_result = Str(allow_none=True)
    check_result_label = Str(allow_none=True)
    decline_reason = Str(allow_none=True)
    decline_reason_label = Str(allow_none=True)
    dialogue = fields.List(fields.Nested(ExchangeSchema))
    can_accept = fields.Bool()
    can_ask = fields.Bool()
    can_answer = fields.Bool()
    check_results = fields.Dict(keys=Str(), values=Str())
    decline_reasons = fields.Dict(keys=Str(), values=Str())


class AcceptSchema(Schema):
    text = Str(validate=validate.Length(max=2000), metadata={"description": "optional note to the case"})


class QuestionSchema(Schema):
    text = Str(validate=validate.Length(max=2000), metadata={"description": "the question (required)"})


class AnswerSchema(Schema):
    result = Str(validate=validate.Length(max=2000), metadata={"description": "the result (required)"})
    check_result = Str(
        allow_none=True,
        metadata={"description": "where the referral asked for a check: met | not_yet_met | not_met"},
    )


class DeclineSchema(Schema):
    reason = Str(
        validate=validate.Length(max=40),
        metadata={"description": "required: vocabulary referral.decline_reason, e.g. 'not_responsible'"},
    )
    text = Str(validate=validate.Length(max=2000))


class OverviewArgsSchema(Schema):
    school_year = Str(
        validate=validate.Regexp(r"^\d{4}/\d{2}$"),
        metadata={"description": "e.g. 2025/26 (1 Aug - 31 Jul); default: the current one"},
    )


class AgencyFiguresSchema(Schema):
    agency = Str()
    agency_name = Str()
    sent = fields.Int(allow_none=True, metadata={"description": "null: suppressed (small count)"})
    answered = fields.Int(allow_none=True)
    median_days = fields.Float(allow_none=True, metadata={"description": "null: too few answers"})
    overdue = fields.Int(allow_none=True)
    declined = fields.Int(allow_none=True)
    declined_by_reason = fields.Dict(keys=Str(), values=fields.Int(allow_none=True))


class OverviewSchema(Schema):
    school_year = Str()
    min_count = fields.Int()
    rows = fields.List(fields.Nested(AgencyFiguresSchema))
    reasons = fields.Dict(keys=Str(), values=Str())


class OverviewTopicSchema(Schema):
    agency = Str(required=True, validate=validate.Length(min=1, max=40))
    school_year = Str(required=True, validate=validate.Regexp(r"^\d{4}/\d{2}$"))
    municipality = Str(validate=validate.Length(max=200), metadata={"description": "default: your own"})


class RaisedTopicSchema(Schema):
    id = fields.Int()
    number = Str()
    title = Str()
