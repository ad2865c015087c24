"""Referrals: case managers see their own, authority staff only those addressed to them."""

from dataclasses import asdict

from flask_smorest import Blueprint

from engine.consents import read

from ..context import current_user, db
from ..schemas_privacy import ReferralArgsSchema, ReferralListSchema, ReferralSchema

blp = Blueprint("referrals", __name__, url_prefix="/api/v1/referrals", description="Verweisungen")


@blp.route("", methods=["GET"])
@blp.arguments(ReferralArgsSchema, location="query")
@blp.response(200, ReferralListSchema)
def list_referrals(args):
    """Referrals I may see, newest first (authority staff: those addressed to their agency)."""
    page = read.referral_list(db(), user=current_user(), **args)
    out = {
        "items": [asdict(r) for r in page.items],
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
    }
    return out


@blp.route("/<int:referral_id>", methods=["GET"])
@blp.response(200, ReferralSchema)
def get_referral(referral_id):
    """One referral with its reason."""
    out = asdict(read.referral_detail(db(), user=current_user(), referral_id=referral_id))
    return out
