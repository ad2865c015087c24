"""Bodies (local round tables, Lenkungsgruppe, working groups) and their meetings, agendas, minutes."""

from flask_smorest import Blueprint

from engine.escalations import bodies, meetings, read

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

blp = Blueprint("bodies", __name__, url_prefix="/api/v1", description="Gremien und Sitzungen")


@blp.route("/bodies", methods=["GET"])
@blp.arguments(BodyListArgsSchema, location="query")
@blp.response(200, BodyListSchema)
def list_bodies(args):
    """The Lenkungsgruppe (with its members), the local bodies and the working groups."""
    return read.list_bodies(db(), user=current_user(), **args)


@blp.route("/bodies", methods=["POST"])
@blp.arguments(BodyCreateSchema)
@blp.response(201, BodySchema)
def create_body(args):
    """Coordinators set up a local body or a working group."""
    session = db()
    body = bodies.create_body(session, user=current_user(), **args)
    out = read.body_view(session, body)
    return out


@blp.route("/bodies/<int:body_id>", methods=["GET"])
@blp.response(200, BodySchema)
def get_body(body_id):
    """One body with its members."""
    return read.get_body(db(), user=current_user(), body_id=body_id)


@blp.route("/meetings", methods=["GET"])
@blp.arguments(MeetingListArgsSchema, location="query")
@blp.response(200, MeetingListSchema)
def list_meetings(args):
    """Meetings by date, with their agendas."""
    return read.list_meetings(db(), user=current_user(), **args)


@blp.route("/meetings", methods=["POST"])
@blp.arguments(MeetingCreateSchema)
@blp.response(201, MeetingSchema)
def create_meeting(args):
    """Schedule a meeting of a body (coordinators)."""
    session, user = db(), current_user()
    meeting = meetings.create_meeting(session, user=user, **args)
    out = read.meeting_view(session, meeting, user)
    return out


@blp.route("/meetings/<int:meeting_id>", methods=["GET"])
@blp.response(200, MeetingSchema)
def get_meeting(meeting_id):
    """A meeting with its agenda (before assembly: the topics waiting for the body)."""
    return read.get_meeting(db(), user=current_user(), meeting_id=meeting_id)


@blp.route("/meetings/<int:meeting_id>/agenda", methods=["POST"])
@blp.response(200, MeetingSchema)
def assemble_agenda(meeting_id):
    """Assemble the agenda from the topics waiting for the body (coordinators; again adds new ones)."""
    session, user = db(), current_user()
    meeting = meetings.assemble_agenda(session, user=user, meeting_id=meeting_id)
    out = read.meeting_view(session, meeting, user)
    return out


@blp.route("/meetings/<int:meeting_id>/minutes", methods=["POST"])
@blp.arguments(MinutesSchema)
@blp.response(200, MeetingSchema)
def record_minutes(args, meeting_id):
    """The minutes: each decision completes the topic's waiting step; open items are deferred."""
    session, user = db(), current_user()
    meeting = meetings.record_minutes(
        session,
        user=user,
        meeting_id=meeting_id,
        items=args["items"],
        note=args.get("note"),
        reminder_default=settings().escalation_reminder,
        attendance=args.get("attendance"),
    )
    out = read.meeting_view(session, meeting, user)
    return out
