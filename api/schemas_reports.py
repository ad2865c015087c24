"""marshmallow schemas of the programme figures (Programmcontrolling)."""

from __future__ import annotations

from marshmallow import fields, validate

from .schema_base import Schema

Str = fields.String
Count = fields.Integer(allow_none=True, metadata={"description": "null: suppressed (small count)"})
Counts = fields.Dict(keys=Str(), values=fields.Integer(allow_none=True))


class FiguresArgsSchema(Schema):
    school_year = Str(
        validate=validate.Regexp(r"^\d{4}/\d{2}$"),
        metadata={"description": "e.g. 2023/24 (1 Aug 2023 - 31 Jul 2024); default: the current one"},
    )
    format = Str(
        load_default="json",
        validate=validate.OneOf(["json", "csv", "xlsx"]),
        metadata={"description": "json, or a download as csv or xlsx"},
    )


class FigureSetSchema(Schema):
    persons_supported = fields.Integer(allow_none=True, metadata={"description": "documented first contacts"})
    cm_cases = fields.Integer(
        allow_none=True, metadata={"description": "accompaniments with a goal agreement"}
    )
    referrals = fields.Integer(allow_none=True)
    referrals_by_agency = Counts
    closures = fields.Integer(allow_none=True)
    closures_by_reason = Counts
    goals_met = fields.Integer(allow_none=True, metadata={"description": "final evaluations"})
    goals_met_by_result = Counts
    topics_raised = fields.Integer(allow_none=True)
    topics_raised_by_category = Counts
    topics_escalated = fields.Integer(allow_none=True)
    topics_escalated_by_level = Counts
    topics_resolved = fields.Integer(allow_none=True)
    topics_resolved_by_level = Counts
    suppressed = fields.List(Str(), metadata={"description": "figures hidden in this row"})


class MunicipalityFiguresSchema(FigureSetSchema):
    municipality = Str()
    region = Str(allow_none=True)


class RegionFiguresSchema(FigureSetSchema):
    region = Str()


class TeamFiguresSchema(FigureSetSchema):
    team = Str()


class FiguresSchema(Schema):
    school_year = Str()
    period_start = fields.Date()
    period_end = fields.Date()
    min_count = fields.Integer(metadata={"description": "counts below this are suppressed"})
    totals = fields.Nested(FigureSetSchema)
    by_municipality = fields.List(fields.Nested(MunicipalityFiguresSchema))
    by_region = fields.List(fields.Nested(RegionFiguresSchema))
    by_team = fields.List(fields.Nested(TeamFiguresSchema))
    labels = fields.Dict(
        keys=Str(),
        values=fields.Dict(keys=Str(), values=Str()),
        metadata={"description": "per breakdown: each code with its German label, in column order"},
    )
