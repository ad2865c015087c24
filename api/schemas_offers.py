"""Schemas of the offers directory, its import/export, links from case work, gaps and the
Ist-/Bedarfsanalyse (engine/offers)."""

from __future__ import annotations

from marshmallow import fields, validate

from .schema_base import Schema
from .schemas import MAX_ID

Str = fields.String
Codes = fields.List
ID = validate.Range(min=1, max=MAX_ID)


class OfferSchema(Schema):
    """One offer with its labels; ``needs_review``: not checked for 12 months (or never)."""

    id = fields.Int()
    municipality = Str(allow_none=True, metadata={"description": "municipality key; null: county-wide"})
    municipality_name = Str()
    provider = Str()
    title = Str()
    kind = Str(metadata={"description": "vocabulary offer.kind"})
    kind_label = Str()
    life_areas = Codes(Str(), metadata={"description": "codes of assessment.needs.life_area"})
    life_area_labels = Codes(Str())
    target_groups = Codes(Str(), metadata={"description": "vocabulary offer.target_group"})
    target_group_labels = Codes(Str())
    languages = Codes(Str(), metadata={"description": "vocabulary offer.language"})
    language_labels = Codes(Str())
    contact = Str(allow_none=True)
    address = Str(allow_none=True)
    opening_hours = Str(allow_none=True)
    cost = Str(allow_none=True)
    valid_from = fields.Date(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    source = Str(allow_none=True)
    checked_on = fields.Date(allow_none=True)
    shared_upkeep = fields.Bool(metadata={"description": "county-wide: case managers may keep it too"})
    version = fields.Int()
    retired = fields.Bool()
    needs_review = fields.Bool()
    may_change = fields.Bool(metadata={"description": "whether the reader may change or retire it"})
    score = fields.Int(metadata={"description": "search: criteria matched (life area, language, group)"})


class OfferListSchema(Schema):
    items = fields.List(fields.Nested(OfferSchema))
    total = fields.Int()
    criteria = fields.Int()


class OfferSearchArgsSchema(Schema):
    life_area = Str(load_default=None, validate=validate.Length(max=40))
    language = Str(load_default=None, validate=validate.Length(max=40))
    target_group = Str(load_default=None, validate=validate.Length(max=40))
    municipality = Str(
        load_default=None,
        validate=validate.Length(max=200),
        metadata={"description": "key or name: its own offers and the county-wide ones, its own first"},
    )
    kind = Str(load_default=None, validate=validate.Length(max=40))
    q = Str(load_default=None, validate=validate.Length(max=200), metadata={"description": "provider/title"})
    review = fields.Bool(load_default=False, metadata={"description": "only offers due for review"})
    retired = fields.Bool(load_default=False, metadata={"description": "retired offers instead"})
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Int(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class OfferWriteSchema(Schema):
    """A whole offer (create, or change: every field is given again). Codes or their German labels."""

    municipality = Str(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "null: county"},
    )
    provider = Str(required=True, validate=validate.Length(max=200))
    title = Str(required=True, validate=validate.Length(max=200))
    kind = Str(required=True, validate=validate.Length(max=40))
    life_areas = Codes(Str(validate=validate.Length(max=40)), required=True, validate=validate.Length(max=20))
    target_groups = Codes(
        Str(validate=validate.Length(max=40)), load_default=list, validate=validate.Length(max=20)
    )
    languages = Codes(
        Str(validate=validate.Length(max=40)), load_default=list, validate=validate.Length(max=30)
    )
    contact = Str(load_default=None, allow_none=True, validate=validate.Length(max=300))
    address = Str(load_default=None, allow_none=True, validate=validate.Length(max=300))
    opening_hours = Str(load_default=None, allow_none=True, validate=validate.Length(max=300))
    cost = Str(load_default=None, allow_none=True, validate=validate.Length(max=200))
    valid_from = fields.Date(load_default=None, allow_none=True)
    valid_until = fields.Date(load_default=None, allow_none=True)
    source = Str(load_default=None, allow_none=True, validate=validate.Length(max=300))
    checked_on = fields.Date(load_default=None, allow_none=True)
    shared_upkeep = fields.Bool(load_default=False, metadata={"description": "coordinators only"})


class OfferChangeSchema(OfferWriteSchema):
    version = fields.Int(
        load_default=None, allow_none=True, metadata={"description": "the version changed (409 if outdated)"}
    )


class OfferFieldChangeSchema(Schema):
    field = Str()
    field_label = Str()
    before = Str()
    after = Str()


class OfferVersionSchema(Schema):
    version = fields.Int()
    action = Str(metadata={"description": "created | changed | imported | retired"})
    action_label = Str()
    changed_by = Str()
    changed_at = fields.DateTime()
    changes = fields.List(fields.Nested(OfferFieldChangeSchema))


class OfferVersionListSchema(Schema):
    offer = fields.Nested(OfferSchema)
    items = fields.List(fields.Nested(OfferVersionSchema))


class OfferExportArgsSchema(Schema):
    format = Str(load_default="csv", validate=validate.OneOf(["csv", "xlsx"]))


class OfferImportResultSchema(Schema):
    created = fields.Int()
    changed = fields.Int()
    unchanged = fields.Int()


IMPORT_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "CSV (UTF-8, ';' or ',') or XLSX in the layout of docs/offers.md; "
                        "the name's extension (.csv, .xlsx) says which",
                    }
                },
            }
        }
    },
}


class OfferLinkCreateSchema(Schema):
    offer_id = fields.Int(required=True, validate=ID)
    goal_id = fields.Int(load_default=None, allow_none=True, validate=ID)
    referral_id = fields.Int(load_default=None, allow_none=True, validate=ID)


class OfferLinkSchema(Schema):
    id = fields.Int()
    offer_id = fields.Int()
    offer_title = Str()
    provider = Str()
    goal_id = fields.Int(allow_none=True)
    referral_id = fields.Int(allow_none=True)
    linked_at = fields.DateTime()


class OfferLinkListSchema(Schema):
    items = fields.List(fields.Nested(OfferLinkSchema))


class GapCreateSchema(Schema):
    life_area = Str(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=40),
        metadata={"description": "the need; default: the goal's or referral's life area"},
    )
    reason = Str(
        required=True,
        validate=validate.Length(max=40),
        metadata={
            "description": "none_exists | waiting_list | language | distance | cost | eligibility | times"
        },
    )
    goal_id = fields.Int(load_default=None, allow_none=True, validate=ID)
    referral_id = fields.Int(load_default=None, allow_none=True, validate=ID)


class GapSchema(Schema):
    """A gap record: the case by pseudonym only, no member, no free text."""

    id = fields.Int()
    pseudonym = Str()
    municipality = Str()
    school_year = Str()
    life_area = Str()
    life_area_label = Str()
    reason = Str()
    reason_label = Str()
    source = Str(metadata={"description": "goal | referral | final_evaluation | case"})
    source_label = Str()
    recorded_on = fields.Date()


class GapListSchema(Schema):
    items = fields.List(fields.Nested(GapSchema))


class GapArgsSchema(Schema):
    school_year = Str(load_default=None, validate=validate.Length(max=7))
    municipality = Str(load_default=None, validate=validate.Length(max=200))


class OfferAnalysisArgsSchema(Schema):
    school_year = Str(load_default=None, validate=validate.Length(max=7), metadata={"description": "2025/26"})
    municipality = Str(load_default=None, validate=validate.Length(max=200))
    format = Str(load_default="json", validate=validate.OneOf(["json", "xlsx"]))


class OfferAnalysisRowSchema(Schema):
    life_area = Str()
    life_area_label = Str()
    needs = fields.Int(allow_none=True, metadata={"description": "cases with this need (null: suppressed)"})
    offers_local = fields.Int()
    offers_county = fields.Int()
    gaps = fields.Int(allow_none=True)
    gaps_by_reason = fields.Dict(keys=Str(), values=fields.Int(allow_none=True))


class OfferAnalysisPlaceSchema(Schema):
    municipality = Str()
    name = Str()
    region = Str(allow_none=True)
    gaps_total = fields.Int(allow_none=True)
    rows = fields.List(fields.Nested(OfferAnalysisRowSchema))


class GapReasonSchema(Schema):
    code = Str()
    label = Str()


class OfferAnalysisCountySchema(Schema):
    life_area = Str()
    life_area_label = Str()
    needs = fields.Int(allow_none=True)
    gaps = fields.Int(allow_none=True)


class OfferAnalysisSchema(Schema):
    school_year = Str()
    county = fields.List(
        fields.Nested(OfferAnalysisCountySchema), metadata={"description": "the county's totals"}
    )
    min_count = fields.Int()
    reasons = fields.List(fields.Nested(GapReasonSchema))
    municipalities = fields.List(fields.Nested(OfferAnalysisPlaceSchema))


class GapTopicCreateSchema(Schema):
    school_year = Str(required=True, validate=validate.Length(max=7))
    municipality = Str(required=True, validate=validate.Length(max=200))
    life_area = Str(load_default=None, allow_none=True, validate=validate.Length(max=40))


class GapTopicSchema(Schema):
    topic_id = fields.Int()
    number = Str()
    title = Str()
    description = Str()
    figures = Str(metadata={"description": "the page with the figures the topic was raised with"})
