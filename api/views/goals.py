"""A case's goals: list them, add one, drop one with a reason."""

from dataclasses import asdict

from flask_smorest import Blueprint

from engine.goals import read, service

from ..context import current_user, db
from ..schemas_goals import GoalCreateSchema, GoalDropSchema, GoalListSchema, GoalSchema

blp = Blueprint("goals", __name__, url_prefix="/api/v1", description="Ziele eines Falls")


def _one(session, user, case_id: int, goal_id: int) -> dict:
    (view,) = [g for g in read.goal_views(session, user=user, case_id=case_id) if g.id == goal_id]
    return asdict(view)


@blp.route("/cases/<int:case_id>/goals", methods=["GET"])
@blp.response(200, GoalListSchema)
def list_goals(case_id):
    """The case's goals with their current state (pseudonymised roles: life area and status only)."""
    items = read.goal_list(db(), user=current_user(), case_id=case_id)
    return {"items": [asdict(g) for g in items]}


@blp.route("/cases/<int:case_id>/goals", methods=["POST"])
@blp.arguments(GoalCreateSchema)
@blp.response(201, GoalSchema)
def add_goal(args, case_id):
    """Add a goal agreed after the goal agreement."""
    session, user = db(), current_user()
    goal = service.add_goal(session, user=user, case_id=case_id, **args)
    return _one(session, user, case_id, goal.id)


@blp.route("/cases/<int:case_id>/goals/<int:goal_id>/drop", methods=["POST"])
@blp.arguments(GoalDropSchema)
@blp.response(200, GoalSchema)
def drop_goal(args, case_id, goal_id):
    """Drop a goal with a reason (a dropped goal stays on the case; evaluations no longer pick it)."""
    session, user = db(), current_user()
    service.drop_goal(session, user=user, case_id=case_id, goal_id=goal_id, reason=args["reason"])
    return _one(session, user, case_id, goal_id)
