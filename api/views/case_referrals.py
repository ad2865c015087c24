"""A case's referrals: send one to an agency for members of the household, list them."""

from dataclasses import asdict

from flask_smorest import Blueprint

from engine.referrals import read, service

from ..context import current_user, db
from ..schemas_referrals import CaseReferralListSchema, CaseReferralSchema, ReferralCreateSchema

blp = Blueprint(
    "case_referrals", __name__, url_prefix="/api/v1/cases", description="Verweisungen eines Falls"
)


@blp.route("/<int:case_id>/referrals", methods=["GET"])
@blp.response(200, CaseReferralListSchema)
def list_referrals(case_id):
    """The case's referrals, oldest first (members, reason and answer text only for its case manager)."""
    found = read.case_referrals(db(), user=current_user(), case_id=case_id)
    return {"items": [asdict(i) for i in found.items]}


@blp.route("/<int:case_id>/referrals", methods=["POST"])
@blp.arguments(ReferralCreateSchema)
@blp.response(201, CaseReferralSchema)
def send_referral(args, case_id):
    """Send a referral to an agency for one or more members (consent and release checked per member);
    it is tracked by its own process (processes/referral.bpmn)."""
    session, user = db(), current_user()
    row = service.send_referral(session, user=user, case_id=case_id, **args)
    found = read.case_referrals(session, user=user, case_id=case_id)
    return asdict(next(i for i in found.items if i.id == row.id))
