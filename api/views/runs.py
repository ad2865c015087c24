"""Process owners: test runs of deployed versions and moving running cases to another version."""

from flask_smorest import Blueprint

from engine.processes import migration, runs

from ..context import current_user, db
from ..schemas_runs import (
    MigrationRequestSchema,
    MigrationResultSchema,
    RunListSchema,
    RunRequestSchema,
    RunSchema,
)

blp = Blueprint("runs", __name__, url_prefix="/api/v1/processes", description="Testläufe und Migration")


@blp.route("/<process_id>/runs", methods=["POST"])
@blp.arguments(RunRequestSchema, required=False)  # every field has a default: no body is fine
@blp.response(201, RunSchema)
def start_run(args, process_id):
    """Start a test run of a deployed version (default: the current one) outside any case."""
    user = current_user()
    instance, version, ready = runs.start_run(db(), user=user, process_id=process_id, version=args["version"])
    return {
        "id": instance.id,
        "process_id": instance.process_id,
        "version": version.version,
        "status": instance.status,
        "started_at": instance.created_at,
        "updated_at": instance.updated_at,
        "started_by": user.username,
        "open_tasks": ready,
    }


@blp.route("/<process_id>/runs", methods=["GET"])
@blp.response(200, RunListSchema)
def list_runs(process_id):
    """The test runs of a process (newest 200): status, version, start and open tasks."""
    return {"items": runs.list_runs(db(), user=current_user(), process_id=process_id)}


@blp.route("/<process_id>/migrations", methods=["POST"])
@blp.arguments(MigrationRequestSchema)
@blp.response(200, MigrationResultSchema)
def migrate(args, process_id):
    """Move running cases to a deployed version; ``dry_run`` (the default) lists what can move and why not."""
    result = migration.migrate_cases(db(), user=current_user(), process_id=process_id, **args)
    return result
