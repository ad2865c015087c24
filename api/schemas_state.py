"""marshmallow schemas of the state's view: every county's figures side by side, and the export."""

from __future__ import annotations

from marshmallow import fields, validate

from .schema_base import Schema
from .schemas_reports import FigureSetSchema

Str = fields.String


class StateArgsSchema(Schema):
    school_year = Str(
        validate=validate.Regexp(r"^\d{4}/\d{2}$"),
        metadata={"description": "e.g. 2023/24 (1 Aug 2023 - 31 Jul 2024); default: the current one"},
    )


class StateExportArgsSchema(StateArgsSchema):
    format = Str(
        load_default="csv",
        validate=validate.OneOf(["csv", "xlsx", "json"]),
        metadata={"description": "csv, xlsx or json, in the layout of docs/state.md"},
    )


class TenantFiguresSchema(FigureSetSchema):
    tenant_key = Str(metadata={"description": "the county's key, e.g. paderborn"})
    tenant_name = Str()


class StateFiguresSchema(Schema):
    school_year = Str()
    period_start = fields.Date()
    period_end = fields.Date()
    min_count = fields.Integer(metadata={"description": "counts of people below this are suppressed"})
    tenants = fields.List(
        fields.Nested(TenantFiguresSchema), metadata={"description": "one row per county, by name"}
    )
    total = fields.Nested(FigureSetSchema, metadata={"description": "all counties together"})
    labels = fields.Dict(
        keys=Str(),
        values=fields.Dict(keys=Str(), values=Str()),
        metadata={"description": "per breakdown: each code with its German label, in column order"},
    )
