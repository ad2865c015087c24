"""The authorities' checks (Baustein 3): start one from a referral, read it, list a case's checks,
and turn a missing criterion into a goal."""

from dataclasses import asdict

from flask_smorest import Blueprint

from engine.checks import read, service

from ..context import current_user, db
from ..schemas_checks import (
    CheckGoalSchema,
    CheckListSchema,
    CheckSchema,
    CheckStartSchema,
    CriterionGoalSchema,
)

blp = Blueprint("checks", __name__, url_prefix="/api/v1", description="Prüfungen der Behörden (Baustein 3)")


@blp.route("/referrals/<int:referral_id>/checks", methods=["POST"])
@blp.arguments(CheckStartSchema)
@blp.response(201, CheckSchema)
def start_check(args, referral_id):
    """Begin a check for the case of a referral addressed to the caller's agency (authority staff)."""
    session, user = db(), current_user()
    row = service.start_check(session, user=user, referral_id=referral_id, kind=args["kind"])
    return asdict(read.agency_check(session, user=user, check_id=row.id))


@blp.route("/checks/<int:check_id>", methods=["GET"])
@blp.response(200, CheckSchema)
def get_check(check_id):
    """One check of the caller's agency with its result (authority staff)."""
    return asdict(read.agency_check(db(), user=current_user(), check_id=check_id))


@blp.route("/cases/<int:case_id>/checks", methods=["GET"])
@blp.response(200, CheckListSchema)
def list_checks(case_id):
    """The case's checks with their results (pseudonymised roles: without the authority's notes)."""
    items = read.case_checks(db(), user=current_user(), case_id=case_id)
    return {"items": [asdict(c) for c in items]}


@blp.route("/checks/<int:check_id>/goals", methods=["POST"])
@blp.arguments(CriterionGoalSchema)
@blp.response(201, CheckGoalSchema)
def goal_from_criterion(args, check_id):
    """Turn a missing criterion of a finished check into a goal of the case (its case manager)."""
    goal = service.goal_from_criterion(
        db(), user=current_user(), check_id=check_id, criterion=args["criterion"]
    )
    return {"goal_id": goal.id, "check_id": check_id, "criterion": args["criterion"]}
