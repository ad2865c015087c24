"""Bearer tokens for API clients: issue, revoke (logout), revoke an account's tokens (admin)."""

from flask import request
from flask_smorest import Blueprint

from engine.access.service import LoginPolicy, issue_token, revoke_token, revoke_user_tokens
from engine.errors import LoginRefused

from ..context import current_user, db, own_unit, settings
from ..login_marks import login_limited
from ..schemas import RevocationSchema, RevokedSchema, TokenRequestSchema, TokenSchema
from ..web.session import end_session

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Anmeldung")


def login_policy() -> LoginPolicy:
    """The lockout policy from the settings."""
    s = settings()
    return LoginPolicy(max_failures=s.login_max_failures, lockout_minutes=s.login_lockout_minutes)


@blp.route("/token", methods=["POST"])
@blp.arguments(TokenRequestSchema)
@blp.response(200, TokenSchema)
@login_limited
def token(args):
    """Exchange user name and password for a bearer token (repeated failures lock the account).

    With more than one county in the installation, ``tenant`` names the user's county (its key).
    """
    ttl = settings().token_ttl_hours
    refused = None
    with own_unit() as session:  # committed either way: a refusal counts towards the lockout
        try:
            access_token, user = issue_token(
                session, args["username"], args["password"], ttl, login_policy(), args.get("tenant")
            )
        except LoginRefused as exc:
            refused = exc
        else:
            _places = user.tenant, user.municipality, user.team  # loaded now: the answer is built later
    if refused is not None:
        raise refused
    return {"access_token": access_token, "token_type": "Bearer", "expires_in": ttl * 3600, "user": user}


@blp.route("/token", methods=["DELETE"])
@blp.response(204)
def logout():
    """Revoke the bearer token (or the browser's web session) of this request (log out)."""
    current_user()
    bearer = request.headers.get("Authorization", "").partition(" ")[2].strip()
    if bearer:
        revoke_token(db(), bearer)
    else:
        end_session()


@blp.route("/revocations", methods=["POST"])
@blp.arguments(RevocationSchema)
@blp.response(200, RevokedSchema)
def revoke_account(args):
    """Revoke every token and web session of an account (administration)."""
    count = revoke_user_tokens(db(), user=current_user(), username=args["username"])
    return {"username": args["username"], "revoked": count}
