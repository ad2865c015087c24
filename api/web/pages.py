"""Web pages behind the login (the real ones come with the web app)."""
from __future__ import annotations

from flask import Blueprint, render_template

from engine.access.models import User

from ..context import current_user, db

bp = Blueprint("web", __name__)


@bp.get("/")
def home():
    """Start page: the logged-in user's tasks (placeholder)."""
    user = db().get(User, current_user().id)
    return render_template("home.html", display_name=user.display_name)
