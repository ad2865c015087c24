"""The UmA job follow-up: start it for a case; the overview for coordinators and the UmA team."""

from dataclasses import asdict

from flask_smorest import Blueprint

from engine.followups import read, service

from ..context import current_user, db
from ..schemas import FollowUpArgsSchema, FollowUpOverviewSchema, FollowUpSchema

blp = Blueprint("followups", __name__, url_prefix="/api/v1", description="Nachverfolgung (UmA)")


@blp.route("/cases/<int:case_id>/followups", methods=["POST"])
@blp.response(201, FollowUpSchema)
def start(case_id):
    """Start the job follow-up for a case (first task: the coordination talk with the UmA team)."""
    session, user = db(), current_user()
    row = service.start_followup(session, user=user, case_id=case_id)
    return asdict(read.started(session, user=user, followup=row))


@blp.route("/followups", methods=["GET"])
@blp.arguments(FollowUpArgsSchema, location="query")
@blp.response(200, FollowUpOverviewSchema)
def overview(args):
    """Follow-ups due in the next N days and all overdue ones (or the completed ones, with outcomes),
    by team and municipality. Coordinators see pseudonyms only."""
    found = read.overview(
        db(),
        user=current_user(),
        within_days=args["within_days"],
        include=args["include"],
        team=args.get("team"),
        municipality=args.get("municipality"),
    )
    out = {"today": found.today, "counts": found.counts, "items": [asdict(i) for i in found.items]}
    return out
