"""Structural topics: raise, list, read with the full trail, decide; overdue escalations."""

from flask_smorest import Blueprint

from engine.escalations import decisions, read, review, service

from ..context import current_user, db, settings
from ..schemas_escalations import (
    DecisionRequestSchema,
    OverdueSchema,
    PersonalDataReviewSchema,
    TopicCreateSchema,
    TopicDetailSchema,
    TopicListArgsSchema,
    TopicListSchema,
)

blp = Blueprint("topics", __name__, url_prefix="/api/v1/topics", description="Themen (Eskalation)")


@blp.route("", methods=["POST"])
@blp.arguments(TopicCreateSchema)
@blp.response(201, TopicDetailSchema)
def create_topic(args):
    """Bring a structural topic to the local body; cases are linked by pseudonym (you must see each)."""
    session, user = db(), current_user()
    topic = service.raise_topic(session, user=user, **args)
    out = read.topic_detail(session, topic, user)
    return out


@blp.route("", methods=["GET"])
@blp.arguments(TopicListArgsSchema, location="query")
@blp.response(200, TopicListSchema)
def list_topics(args):
    """Topics of the county (oldest first) by level, status, category, municipality and age."""
    return read.list_topics(db(), user=current_user(), **args)


@blp.route("/overdue", methods=["GET"])
@blp.response(200, OverdueSchema)
def overdue():
    """Escalations waiting too long: past the step's due time, or the state's answer is overdue."""
    return read.overdue(db(), user=current_user())


@blp.route("/<int:topic_id>", methods=["GET"])
@blp.response(200, TopicDetailSchema)
def get_topic(topic_id):
    """A topic with its full trail: who decided what, when and why."""
    return read.get_topic(db(), user=current_user(), topic_id=topic_id)


@blp.route("/<int:topic_id>/decisions", methods=["POST"])
@blp.arguments(DecisionRequestSchema)
@blp.response(200, TopicDetailSchema)
def decide(args, topic_id):
    """Record the decision of the step the topic waits at (form data of that step)."""
    session, user = db(), current_user()
    topic = decisions.decide(
        session,
        user=user,
        topic_id=topic_id,
        data=args["data"],
        reminder_default=settings().escalation_reminder,
    )
    out = read.topic_detail(session, topic, user)
    return out


@blp.route("/<int:topic_id>/personal-data-review", methods=["GET"])
@blp.response(200, PersonalDataReviewSchema)
def personal_data_review(topic_id):
    """Case managers of linked cases: which texts of the topic name a client of their cases."""
    findings = review.personal_data_review(db(), user=current_user(), topic_id=topic_id)
    return {"findings": findings}
