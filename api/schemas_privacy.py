"""Schemas of the consent register, referrals, audit trail, legal hold and Art. 15 export."""

from __future__ import annotations

from marshmallow import fields, validate

from engine.consents.service import AGENCIES, agency_name
from engine.vocabulary import label

from .schema_base import Schema
from .schemas import PageArgsSchema

Str = fields.String
AGENCY = Str(
    required=True,
    validate=validate.OneOf(sorted(AGENCIES)),
    metadata={"description": "agency key, e.g. 'jobcenter', 'foreigners_authority'"},
)


class ConsentSchema(Schema):
    id = fields.Int()
    kind = Str(metadata={"description": "data_processing | confidentiality_release"})
    kind_label = fields.Function(lambda c: label("consent.kind", c.kind))
    agency = Str(allow_none=True)
    agency_name = fields.Function(lambda c: agency_name(c.agency) if c.agency else None, allow_none=True)
    form_version = Str(allow_none=True)
    sheet_language = Str(allow_none=True, metadata={"description": "language of the signed sheet"})
    sheet_version = Str(allow_none=True, metadata={"description": "its catalogue version and review state"})
    interpreter_service = Str(allow_none=True, metadata={"description": "interpreting service present"})
    scan_document_id = fields.Int(allow_none=True, metadata={"description": "the signed scan (case file)"})
    given_on = fields.Date()
    recorded_at = fields.DateTime()
    withdrawn_at = fields.DateTime(allow_none=True)
    in_force = fields.Function(lambda c: c.withdrawn_at is None)
    member_ids = fields.Function(
        lambda c: c.member_ids, metadata={"description": "the household members it covers (ids)"}
    )
    guardians = fields.Function(
        lambda c: {str(m.member_id): m.guardian_id for m in c.members if m.guardian_id is not None},
        metadata={"description": "minor member id -> the member who gave it as guardian"},
    )


class ConsentListSchema(Schema):
    items = fields.List(fields.Nested(ConsentSchema))


class ReleaseCreateSchema(Schema):
    agency = AGENCY
    given_on = fields.Date(required=True)
    form_version = Str(load_default=None, allow_none=True, validate=validate.Length(max=50))
    member_ids = fields.List(
        fields.Int(strict=True),
        load_default=None,
        validate=validate.Length(min=1, max=20),
        metadata={"description": "household members it covers; default: the case's person (member 1)"},
    )
    guardian_id = fields.Int(
        strict=True,
        load_default=None,
        allow_none=True,
        metadata={
            "description": "for minors: the adult member who signed as guardian (default: the first adult)"
        },
    )


class LegalHoldSchema(Schema):
    hold = fields.Bool(required=True)
    reason = Str(required=True, validate=validate.Length(min=1, max=500))


class LegalHoldStateSchema(Schema):
    id = fields.Int()
    pseudonym = Str()
    legal_hold = fields.Bool()
    legal_hold_reason = Str(allow_none=True)


class ReferralArgsSchema(PageArgsSchema):
    agency = Str(
        validate=validate.Length(min=1, max=40),
        metadata={"description": "an agency code of the tenant (an unknown one lists nothing)"},
    )


class ReferralSchema(Schema):
    id = fields.Int()
    case_id = fields.Int()
    pseudonym = Str()
    agency = Str()
    agency_name = Str()
    referred_on = fields.Date()
    client_name = Str(
        allow_none=True, metadata={"description": "only for the case manager and the addressed agency"}
    )
    birth_date = Str(allow_none=True)
    reason = Str(allow_none=True)


class ReferralListSchema(Schema):
    items = fields.List(fields.Nested(ReferralSchema))
    total = fields.Int()
    page = fields.Int()
    per_page = fields.Int()


class AuditArgsSchema(PageArgsSchema):
    case_id = fields.Int(validate=validate.Range(min=1, max=2**31 - 1))
    pseudonym = Str(validate=validate.Length(max=40))
    username = Str(validate=validate.Length(max=80))
    action = Str(validate=validate.Length(max=40))
    since = fields.AwareDateTime(default_timezone=None)
    until = fields.AwareDateTime(default_timezone=None)


class AuditEntrySchema(Schema):
    id = fields.Int()
    at = fields.DateTime()
    username = Str(allow_none=True)
    role = Str(allow_none=True)
    action = Str()
    object_type = Str()
    object_id = Str(allow_none=True)
    case_id = fields.Int(allow_none=True)
    pseudonym = Str(allow_none=True)
    reason = Str(allow_none=True)
    detail = fields.Dict(allow_none=True)
    hash = Str()


class AuditPageSchema(Schema):
    items = fields.List(fields.Nested(AuditEntrySchema))
    total = fields.Int()
    page = fields.Int()
    per_page = fields.Int()


class ExportRequestSchema(Schema):
    reason = Str(required=True, validate=validate.Length(min=1, max=500))
    case_id = fields.Int(validate=validate.Range(min=1, max=2**31 - 1))
    family_name = Str(validate=validate.Length(min=1, max=200))
    given_name = Str(validate=validate.Length(min=1, max=200))
    birth_date = fields.Date()


class ExportSchema(Schema):
    format = Str()
    generated_at = Str()
    generated_by = Str()
    reason = Str()
    cases = fields.List(fields.Dict())
