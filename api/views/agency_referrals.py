"""The agencies' workspace over the API: the inbox of their referrals, one referral, and the actions
accept, ask back, answer and decline (each a message to the referral's process)."""

from dataclasses import asdict

from flask_smorest import Blueprint

from engine.referrals import actions, inbox

from ..context import current_user, db
from ..schemas_agencies import (
    AcceptSchema,
    AgencyReferralSchema,
    AnswerSchema,
    DeclineSchema,
    InboxArgsSchema,
    InboxSchema,
    QuestionSchema,
)

blp = Blueprint(
    "agency_referrals", __name__, url_prefix="/api/v1/referrals", description="Verweisungen (Stellen)"
)


def _page(referral_id: int) -> dict:
    return asdict(inbox.agency_referral(db(), user=current_user(), referral_id=referral_id))


@blp.route("/inbox", methods=["GET"])
@blp.arguments(InboxArgsSchema, location="query")
@blp.response(200, InboxSchema)
def get_inbox(args):
    """The referrals addressed to my agency (agency staff only), filtered by status or overdue, sorted by
    due day, sending day or status."""
    return asdict(inbox.agency_inbox(db(), user=current_user(), **args))


@blp.route("/<int:referral_id>/agency", methods=["GET"])
@blp.response(200, AgencyReferralSchema)
def get_agency_referral(referral_id):
    """One referral of my agency: client, members, reason, questions and replies, answer, open actions."""
    return _page(referral_id)


@blp.route("/<int:referral_id>/accept", methods=["POST"])
@blp.arguments(AcceptSchema)
@blp.response(200, AgencyReferralSchema)
def accept(args, referral_id):
    """Accept the referral: it is in progress at the agency (message referral_answer, in_progress)."""
    actions.accept(db(), user=current_user(), referral_id=referral_id, text=args.get("text"))
    return _page(referral_id)


@blp.route("/<int:referral_id>/questions", methods=["POST"])
@blp.arguments(QuestionSchema)
@blp.response(201, AgencyReferralSchema)
def ask(args, referral_id):
    """Ask the case manager a question (message referral_question; her task "Rückfrage beantworten")."""
    actions.ask(db(), user=current_user(), referral_id=referral_id, text=args.get("text"))
    return _page(referral_id)


@blp.route("/<int:referral_id>/answer", methods=["POST"])
@blp.arguments(AnswerSchema)
@blp.response(200, AgencyReferralSchema)
def answer(args, referral_id):
    """Answer the referral with a result and, for a check, its result; 409 when already answered."""
    actions.answer(
        db(),
        user=current_user(),
        referral_id=referral_id,
        result=args.get("result"),
        check_result=args.get("check_result"),
    )
    return _page(referral_id)


@blp.route("/<int:referral_id>/decline", methods=["POST"])
@blp.arguments(DeclineSchema)
@blp.response(200, AgencyReferralSchema)
def decline(args, referral_id):
    """Decline the referral with a reason; 409 when already answered."""
    actions.decline(
        db(), user=current_user(), referral_id=referral_id, reason=args.get("reason"), text=args.get("text")
    )
    return _page(referral_id)
