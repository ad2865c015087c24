"""Schemas of test runs and migrations (process owners)."""

from __future__ import annotations

from marshmallow import fields, validate

from .schema_base import Schema
from .schemas import TaskSchema
from .schemas_processes import ProblemItemSchema

Str = fields.String
VERSION = validate.Range(min=1, max=2**31 - 1)


class RunRequestSchema(Schema):
    version = fields.Int(
        validate=VERSION,
        load_default=None,
        allow_none=True,
        metadata={"description": "a deployed version; default: the current one"},
    )


class RunSchema(Schema):
    id = fields.Int(metadata={"description": "the run's id: GET /api/v1/tasks?run_id=<id>"})
    process_id = Str()
    version = fields.Int()
    status = Str(metadata={"description": "running | completed"})
    started_at = fields.DateTime()
    updated_at = fields.DateTime()
    started_by = Str(allow_none=True)
    open_tasks = fields.List(fields.Nested(TaskSchema))


class RunListSchema(Schema):
    items = fields.List(fields.Nested(RunSchema))


class MigrationRequestSchema(Schema):
    to_version = fields.Int(required=True, validate=VERSION, metadata={"description": "a deployed version"})
    from_version = fields.Int(
        validate=VERSION,
        load_default=None,
        allow_none=True,
        metadata={"description": "only cases on this version (default: every other)"},
    )
    dry_run = fields.Bool(
        load_default=True, metadata={"description": "true (default): only list what would move"}
    )


class MigrationItemSchema(Schema):
    instance_id = fields.Int()
    case_id = fields.Int()
    pseudonym = Str()
    from_version = fields.Int()
    status = Str(metadata={"description": "movable | blocked (dry run); migrated | blocked | failed"})
    open_tasks = fields.List(Str(), metadata={"description": "BPMN ids of the case's open tasks"})
    reasons = fields.List(
        fields.Nested(ProblemItemSchema), metadata={"description": "why it cannot (did not) move"}
    )
    notes = fields.List(Str())


class MigrationCountsSchema(Schema):
    movable = fields.Int()
    blocked = fields.Int()
    migrated = fields.Int()
    failed = fields.Int()


class MigrationResultSchema(Schema):
    process_id = Str()
    to_version = fields.Int()
    from_version = fields.Int(allow_none=True)
    dry_run = fields.Bool()
    counts = fields.Nested(MigrationCountsSchema)
    items = fields.List(fields.Nested(MigrationItemSchema))
