"""Inbox, task details and completion."""

from flask_smorest import Blueprint

from engine.tasks import assign, read, service

from ..context import current_user, db
from ..schemas import (
    CompleteRequestSchema,
    CompleteResponseSchema,
    TaskDetailSchema,
    TaskListSchema,
)
from ..schemas_tasks import AssignmentSchema, AssignRequestSchema, InboxArgsSchema

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="Aufgaben")


@blp.route("", methods=["GET"])
@blp.arguments(InboxArgsSchema, location="query")
@blp.response(200, TaskListSchema)
def inbox(args):
    """My inbox: ready tasks in my scope of one view, refined and sorted (process owners: their test runs)."""
    page = read.inbox(db(), user=current_user(), **args)
    return {"items": page.items, "total": page.total, "page": page.page, "per_page": page.per_page}


@blp.route("/<task_id>", methods=["GET"])
@blp.response(200, TaskDetailSchema)
def get_task(task_id):
    """A task with its form (JSON Schema) and the data it sees."""
    out = read.task_detail(db(), user=current_user(), task_id=task_id)
    return out


@blp.route("/<task_id>/complete", methods=["POST"])
@blp.arguments(CompleteRequestSchema)
@blp.response(200, CompleteResponseSchema)
def complete(args, task_id):
    """Complete a task with form data; returns the case's new state and the next tasks."""
    session = db()
    row, case, next_rows = service.complete_task(
        session, user=current_user(), task_id=task_id, data=args["data"]
    )
    return {"task": row, "case": case, "next_tasks": next_rows}


def _assignment(row) -> dict:
    return read.assignment(db(), row)


@blp.route("/<task_id>/claim", methods=["POST"])
@blp.response(200, AssignmentSchema)
def claim(task_id):
    """Take the task on (case managers, tasks in scope)."""
    row = assign.claim(db(), user=current_user(), task_id=task_id)
    out = _assignment(row)
    return out


@blp.route("/<task_id>/take-over", methods=["POST"])
@blp.response(200, AssignmentSchema)
def take_over(task_id):
    """Take the task on, also from a colleague who holds it (recorded in the audit trail and the case
    history); only then can it be completed by someone other than its holder."""
    row = assign.take_over(db(), user=current_user(), task_id=task_id)
    out = _assignment(row)
    return out


@blp.route("/<task_id>/unclaim", methods=["POST"])
@blp.response(200, AssignmentSchema)
def unclaim(task_id):
    """Give the task back to the team."""
    row = assign.unclaim(db(), user=current_user(), task_id=task_id)
    out = _assignment(row)
    return out


@blp.route("/<task_id>/assign", methods=["POST"])
@blp.arguments(AssignRequestSchema)
@blp.response(200, AssignmentSchema)
def hand_over(args, task_id):
    """Hand the task over to a case manager of the same team or municipality."""
    row = assign.assign(db(), user=current_user(), task_id=task_id, username=args["username"])
    out = _assignment(row)
    return out
