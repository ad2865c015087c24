"""Themen: the county's structural topics and one topic's trail (who decided what, when and why).

Pseudonyms only: the escalation read models keep client data out of topics; cases appear by
pseudonym and only where the reader may see them.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from engine.errors import KimError
from engine.escalations import read

from ..context import current_user, db, fail
from .strings_meetings import MT
from .topic_actions import render_topic

bp = Blueprint("topic_pages", __name__)
PER_PAGE = 50


def _refused(exc: KimError):
    fail()
    return render_template("error.html", message=exc.detail), exc.status


@bp.get("/topics", endpoint="topics")
def topics_list():
    """Alle Themen des Kreises, die ältesten zuerst; nur offene, es sei denn ``status=all``."""
    everything = request.args.get("status") == "all"
    asked = request.args.get("page", "1")
    page = max(1, min(int(asked), 100000)) if asked.isdigit() else 1
    try:
        found = read.list_topics(
            db(), user=current_user(), status=None if everything else "open", page=page, per_page=PER_PAGE
        )
    except KimError as exc:
        return _refused(exc)
    return render_template(
        "topics.html",
        items=found["items"],
        page=found,
        pages=max(1, -(-found["total"] // PER_PAGE)),
        everything=everything,
        may_raise=current_user().role in ("case_manager", "coordinator"),
        mt=MT,
    )


@bp.get("/topics/<int:topic_id>")
def topic(topic_id: int):
    """Ein Thema mit seinem Verlauf und, wer ihn entscheiden darf, dem Formular seines nächsten Schritts."""
    return render_topic(topic_id)
