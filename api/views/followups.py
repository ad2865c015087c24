"""The UmA job follow-up: start it for a case; the overview for coordinators and the UmA team."""
from flask_smorest import Blueprint

from engine.access.service import can_read_cases, sees_personal_data
from engine.cases.models import Case
from engine.clock import today_berlin
from engine.followups import service
from engine.org.models import Municipality, Team
from engine.org.service import filter_id

from ..context import commit, current_user, db
from ..schemas import FollowUpArgsSchema, FollowUpOverviewSchema, FollowUpSchema

blp = Blueprint("followups", __name__, url_prefix="/api/v1", description="Nachverfolgung (UmA)")


def _item(item: service.OverviewItem, personal: bool) -> dict:
    f = item.followup
    return {
        "id": f.id, "case_id": f.case_id, "pseudonym": item.case.pseudonym,
        "client_name": f"{item.case.given_name} {item.case.family_name}" if personal else None,
        "municipality": item.municipality, "team": item.team, "state": item.state,
        "responsible": f.responsible, "responsible_person": f.responsible_person,
        "placement_kind": f.placement_kind, "start_date": f.start_date, "due_date": f.due_date,
        "checkins_done": f.checkins_done, "outcome": f.outcome, "completed_at": f.completed_at,
    }


@blp.route("/cases/<int:case_id>/followups", methods=["POST"])
@blp.response(201, FollowUpSchema)
def start(case_id):
    """Start the job follow-up for a case (first task: the coordination talk with the UmA team)."""
    session, user = db(), current_user()
    row = service.start_followup(session, user=user, case_id=case_id)
    commit()
    case = session.get(Case, row.case_id)
    item = service.OverviewItem(row, case, case.municipality.name, case.team.name if case.team else None,
                                "planning")
    return _item(item, sees_personal_data(user))


@blp.route("/followups", methods=["GET"])
@blp.arguments(FollowUpArgsSchema, location="query")
@blp.response(200, FollowUpOverviewSchema)
def overview(args):
    """Follow-ups due in the next N days and all overdue ones (or the completed ones, with outcomes),
    by team and municipality. Coordinators see pseudonyms only."""
    session, user = db(), current_user()
    can_read_cases(user)  # the role first: a refused role learns nothing about the filters
    team_id = filter_id(session, user.tenant_id, Team, args["team"]) if args.get("team") else None
    place_id = (filter_id(session, user.tenant_id, Municipality, args["municipality"])
                if args.get("municipality") else None)
    items = service.overview(session, user=user, within_days=args["within_days"],
                             include=args["include"], team_id=team_id, municipality_id=place_id)
    personal = sees_personal_data(user)
    out = {"today": today_berlin(), "counts": service.summary(items),
           "items": [_item(i, personal) for i in items]}
    commit()
    return out
