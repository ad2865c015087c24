"""Bodies (local round tables, Lenkungsgruppe, working groups) and their meetings, agendas, minutes."""
from flask_smorest import Blueprint

from engine.escalations import bodies, meetings
from engine.escalations.models import Body

from ..context import current_user, db, settings
from ..schemas_escalations import (
    BodyCreateSchema,
    BodyListArgsSchema,
    BodyListSchema,
    BodySchema,
    MeetingCreateSchema,
    MeetingListArgsSchema,
    MeetingListSchema,
    MeetingSchema,
    MinutesSchema,
)
from .escalation_present import Names, body_out, meeting_out

blp = Blueprint("bodies", __name__, url_prefix="/api/v1", description="Gremien und Sitzungen")


@blp.route("/bodies", methods=["GET"])
@blp.arguments(BodyListArgsSchema, location="query")
@blp.response(200, BodyListSchema)
def list_bodies(args):
    """The Lenkungsgruppe (with its members), the local bodies and the working groups."""
    session, user = db(), current_user()
    rows = bodies.list_bodies(session, user=user, **args)
    names = Names(session, user.tenant_id)
    return {"items": [body_out(session, b, names) for b in rows]}


@blp.route("/bodies", methods=["POST"])
@blp.arguments(BodyCreateSchema)
@blp.response(201, BodySchema)
def create_body(args):
    """Coordinators set up a local body or a working group."""
    session = db()
    body = bodies.create_body(session, user=current_user(), **args)
    out = body_out(session, body)
    return out


@blp.route("/bodies/<int:body_id>", methods=["GET"])
@blp.response(200, BodySchema)
def get_body(body_id):
    """One body with its members."""
    session = db()
    return body_out(session, bodies.get_body(session, user=current_user(), body_id=body_id))


@blp.route("/meetings", methods=["GET"])
@blp.arguments(MeetingListArgsSchema, location="query")
@blp.response(200, MeetingListSchema)
def list_meetings(args):
    """Meetings by date, with their agendas."""
    session, user = db(), current_user()
    names = Names(session, user.tenant_id)
    return {"items": [meeting_out(session, m, b, names) for m, b in meetings.list_meetings(session, user=user, **args)]}


@blp.route("/meetings", methods=["POST"])
@blp.arguments(MeetingCreateSchema)
@blp.response(201, MeetingSchema)
def create_meeting(args):
    """Schedule a meeting of a body (coordinators)."""
    session, user = db(), current_user()
    meeting = meetings.create_meeting(session, user=user, **args)
    out = meeting_out(session, meeting, session.get(Body, meeting.body_id), Names(session, user.tenant_id))
    return out


@blp.route("/meetings/<int:meeting_id>", methods=["GET"])
@blp.response(200, MeetingSchema)
def get_meeting(meeting_id):
    """A meeting with its agenda (before assembly: the topics waiting for the body)."""
    session, user = db(), current_user()
    meeting = meetings.get_meeting(session, user=user, meeting_id=meeting_id)
    return meeting_out(session, meeting, session.get(Body, meeting.body_id), Names(session, user.tenant_id))


@blp.route("/meetings/<int:meeting_id>/agenda", methods=["POST"])
@blp.response(200, MeetingSchema)
def assemble_agenda(meeting_id):
    """Assemble the agenda from the topics waiting for the body (coordinators; again adds new ones)."""
    session, user = db(), current_user()
    meeting = meetings.assemble_agenda(session, user=user, meeting_id=meeting_id)
    out = meeting_out(session, meeting, session.get(Body, meeting.body_id), Names(session, user.tenant_id))
    return out


@blp.route("/meetings/<int:meeting_id>/minutes", methods=["POST"])
@blp.arguments(MinutesSchema)
@blp.response(200, MeetingSchema)
def record_minutes(args, meeting_id):
    """The minutes: each decision completes the topic's waiting step; open items are deferred."""
    session, user = db(), current_user()
    meeting = meetings.record_minutes(session, user=user, meeting_id=meeting_id, items=args["items"],
                                      note=args.get("note"), reminder_default=settings().escalation_reminder)
    out = meeting_out(session, meeting, session.get(Body, meeting.body_id), Names(session, user.tenant_id))
    return out
