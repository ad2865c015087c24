"""Bearer tokens for API clients."""
from flask_smorest import Blueprint

from engine.access.service import issue_token

from ..context import commit, db, settings
from ..schemas import TokenRequestSchema, TokenSchema

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Anmeldung")


@blp.route("/token", methods=["POST"])
@blp.arguments(TokenRequestSchema)
@blp.response(200, TokenSchema)
def token(args):
    """Exchange user name and password for a bearer token."""
    ttl = settings().token_ttl_hours
    access_token, user = issue_token(db(), args["username"], args["password"], ttl)
    commit()
    return {"access_token": access_token, "token_type": "Bearer", "expires_in": ttl * 3600, "user": user}
