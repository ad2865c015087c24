"""Referrals: case managers see their own, authority staff only those addressed to them."""
from flask_smorest import Blueprint

from engine.consents import referrals as service
from engine.consents.service import agency_name

from ..context import current_user, db
from ..schemas_privacy import ReferralArgsSchema, ReferralListSchema, ReferralSchema

blp = Blueprint("referrals", __name__, url_prefix="/api/v1/referrals", description="Verweisungen")


def _item(referral, case, personal: bool, data: dict | None = None) -> dict:
    out = {"id": referral.id, "case_id": case.id, "pseudonym": case.pseudonym, "agency": referral.agency,
           "agency_name": agency_name(referral.agency), "referred_on": referral.referred_on,
           "client_name": None, "birth_date": None, "reason": None}
    if personal:
        out["client_name"] = f"{case.given_name} {case.family_name}"
        out["birth_date"] = (case.client or {}).get("birth_date")
        if data is not None:
            out["reason"] = data.get("reason")
    return out


@blp.route("", methods=["GET"])
@blp.arguments(ReferralArgsSchema, location="query")
@blp.response(200, ReferralListSchema)
def list_referrals(args):
    """Referrals I may see, newest first (authority staff: those addressed to their agency)."""
    user = current_user()
    page = service.list_referrals(db(), user=user, **args)
    personal = service.sees_client(user)
    out = {"items": [_item(r, c, personal) for r, c in page.items], "total": page.total,
           "page": page.page, "per_page": page.per_page}
    return out


@blp.route("/<int:referral_id>", methods=["GET"])
@blp.response(200, ReferralSchema)
def get_referral(referral_id):
    """One referral with its reason."""
    user = current_user()
    referral, case, data = service.read_referral(db(), user=user, referral_id=referral_id)
    out = _item(referral, case, service.sees_client(user), data)
    return out
