"""Schemas of a case's referrals: send one, list them."""

from __future__ import annotations

from marshmallow import fields, validate

from .schema_base import Schema

Str = fields.String


class ReferralCreateSchema(Schema):
    agency = Str(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={
            "description": "agency code of the tenant, e.g. 'jobcenter', 'foreigners_authority', "
            "'foreigners_authority_city' (engine/agencies)"
        },
    )
    member_ids = fields.List(
        fields.Int(strict=True),
        required=True,
        validate=validate.Length(min=1, max=50),
        metadata={"description": "household members the referral is for (ids from the case's household)"},
    )
    need = Str(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={"description": "life area the referral addresses (the assessment's needs), e.g. 'housing'"},
    )
    reason = Str(required=True, validate=validate.Length(min=1, max=2000))
    referral_date = fields.Date(required=True)


class ReferralMemberSchema(Schema):
    id = fields.Int()
    name = Str()


class CaseReferralSchema(Schema):
    id = fields.Int()
    agency = Str()
    agency_name = Str()
    need = Str(allow_none=True)
    need_label = Str(allow_none=True)
    status = Str(metadata={"description": "sent | received | in_progress | answered | declined | no_answer"})
    status_label = Str()
    referred_on = fields.Date()
    due_on = fields.Date(allow_none=True, metadata={"description": "the reminder falls due (no answer yet)"})
    answered_at = fields.DateTime(allow_none=True)
    open = fields.Bool()
    member_ids = fields.List(fields.Int())
    members = fields.List(
        fields.Nested(ReferralMemberSchema),
        allow_none=True,
        metadata={"description": "names only for who sees personal data"},
    )
    reason = Str(allow_none=True)
    answer_text = Str(allow_none=True)
    check_result = Str(allow_none=True, metadata={"description": "met | not_yet_met | not_met"})
    check_result_label = Str(allow_none=True)
    decline_reason = Str(allow_none=True)
    decline_reason_label = Str(allow_none=True)
    dialogue = fields.List(
        fields.Dict(),
        allow_none=True,
        metadata={
            "description": "the agency's questions and replies {question, asked_at, reply, replied_at}"
        },
    )


class CaseReferralListSchema(Schema):
    items = fields.List(fields.Nested(CaseReferralSchema))
