"""Schemas of the process owners' API: versions, verdicts, deploys, forms."""

from __future__ import annotations

from marshmallow import fields, validate

from .schema_base import Schema
from .schemas import ProblemItemSchema  # the verdict's problems: one shape for 200 and 422

Str = fields.String


class VerdictSchema(Schema):
    process_id = Str()
    name = Str(allow_none=True)
    deployable = fields.Bool()
    problems = fields.List(fields.Nested(ProblemItemSchema))


class VersionSchema(Schema):
    process_id = Str()
    version = fields.Int()
    name = Str(allow_none=True)
    status = Str(metadata={"description": "draft | deployed"})
    is_current = fields.Bool(metadata={"description": "the version new cases of the county start on"})
    source = Str(metadata={"description": "base (Basisversion) | tenant (eigene Version des Kreises)"})
    deployable = fields.Bool()
    problems = fields.List(fields.Nested(ProblemItemSchema), allow_none=True)
    created_at = fields.DateTime(allow_none=True)
    created_by = Str(allow_none=True)
    deployed_at = fields.DateTime(allow_none=True)
    deployed_by = Str(allow_none=True)


class VersionListSchema(Schema):
    items = fields.List(fields.Nested(VersionSchema))


class ProcessSummarySchema(Schema):
    process_id = Str()
    name = Str(allow_none=True)
    current_version = fields.Int(allow_none=True)
    current_source = Str(allow_none=True, metadata={"description": "base | tenant"})
    latest_version = fields.Int()
    versions = fields.Int()


class ProcessListSchema(Schema):
    items = fields.List(fields.Nested(ProcessSummarySchema))


class DeployRequestSchema(Schema):
    version = fields.Int(validate=validate.Range(min=1, max=2**31 - 1), load_default=None, allow_none=True)


class RollbackRequestSchema(Schema):
    version = fields.Int(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class DeployResultSchema(VersionSchema):
    changed = fields.Bool(metadata={"description": "false: this content was already deployed (no-op)"})


def _title(form) -> str | None:
    schema = form.get("schema") if isinstance(form, dict) else form.schema
    return schema.get("title") if isinstance(schema, dict) else None


def _source(form) -> str:
    tenant_id = form.get("tenant_id") if isinstance(form, dict) else form.tenant_id
    return "base" if tenant_id is None else "tenant"


class FormSummarySchema(Schema):
    form_key = Str()
    version = fields.Int()
    title = fields.Function(_title, allow_none=True)
    source = fields.Function(_source, metadata={"description": "base | tenant"})
    deployed_at = fields.DateTime()
    deployed_by = Str()


class FormListSchema(Schema):
    items = fields.List(fields.Nested(FormSummarySchema))


class FormSchema(FormSummarySchema):
    schema = fields.Dict()


class FormSaveSchema(Schema):
    schema = fields.Dict(required=True)


class FormCheckRequestSchema(FormSaveSchema):
    form_key = Str(metadata={"description": "Check also the fields the engine reads from this form"})


class FormSavedSchema(FormSchema):
    changed = fields.Bool()


class FormCheckSchema(Schema):
    valid = fields.Bool()
    problems = fields.List(Str())


class ProcessIncidentSchema(Schema):
    """A run-time failure of a process model (engine/processes/incidents.py)."""

    id = fields.Integer()
    process_id = fields.String()
    process_version_id = fields.Integer()
    instance_id = fields.Integer(allow_none=True)
    source = fields.String(metadata={"description": "task (eine Erledigung) oder timer"})
    element_id = fields.String(allow_none=True)
    element_name = fields.String(allow_none=True)
    kind = fields.String(
        metadata={"description": "die überschrittene Grenze (steps, time, size, ...) oder error"}
    )
    cause = fields.String()
    count = fields.Integer()
    created_at = fields.DateTime()
    last_at = fields.DateTime()
