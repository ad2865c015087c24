"""What every page's layout needs: the texts, the navigation by role and who is signed in."""

from __future__ import annotations

from datetime import date, datetime

from flask import g, request

from engine.access.read import display_name
from engine.clock import BERLIN
from engine.org.terms import tenant_terms
from engine.vocabulary import label

from ..context import db
from . import wording
from .strings import DE, nav_for


def berlin(value, with_time: bool = True) -> str:
    """A date or UTC time as people in Paderborn read it (dd.mm.yyyy [hh:mm])."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(BERLIN)
        return local.strftime("%d.%m.%Y %H:%M" if with_time else "%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d.%m.%Y")
    except ValueError:
        return str(value)


# Pages below a navigation entry: the entry is marked as the current page there.
SUB_PAGES = {
    "casepages.case": "casepages.cases",
    "casepages.new_case": "casepages.cases",
    "topic_pages.topic": "topic_pages.topics",
    "topic_actions.new_topic": "topic_pages.topics",
    "topic_actions.decide": "topic_pages.topics",
    "meeting_pages.meeting": "meeting_pages.meetings",
    "meeting_pages.plan": "meeting_pages.meetings",
    "meeting_pages.minutes_form": "meeting_pages.meetings",
    "meeting_pages.record": "meeting_pages.meetings",
    "agencypages.referral": "agencypages.inbox",
    "admin.user": "admin.users",
    "admin.new_user": "admin.users",
    "admin.update": "admin.users",
    "admin.password": "admin.users",
    "admin.disable": "admin.users",
    "admin.enable": "admin.users",
    "admin.unlock": "admin.users",
    "insight_pages.process": "insight_pages.processes",
    "insight_pages.waiting": "insight_pages.processes",
    "insight_pages.instance": "insight_pages.processes",
    "insight_pages.find_case": "insight_pages.processes",
    "insight_pages.case": "insight_pages.processes",
}


def _layout() -> dict:
    user = g.get("user")
    endpoint = request.endpoint
    out: dict[str, object] = {
        "t": DE,
        "nav_items": [],
        "me": None,
        "nav_current": SUB_PAGES.get(endpoint, endpoint) if endpoint else endpoint,
    }
    if user is not None and request.endpoint not in ("login.login", "static"):
        session = db()
        out["me"] = display_name(session, user)
        terms = g.get("kim_terms") or tenant_terms(session, user.tenant_id)
        g.kim_terms = out["terms"] = terms  # api/web/wording.py rewords the page with them
        out["nav_items"] = wording.nav_items(nav_for(user.role), terms)
    return out


def init_app(app) -> None:
    """Register the layout context, the date filter, ``label`` (codes as people read them) and the icon."""
    app.context_processor(_layout)
    wording.init_app(app)
    app.add_template_filter(berlin, "berlin")
    app.add_template_global(label, "label")
    # Browsers ask for /favicon.ico on every site: the static file itself, so it is public, read-only
    # and cacheable like every asset (the "static" endpoint, another address for one of its files).
    app.add_url_rule("/favicon.ico", endpoint="static", defaults={"filename": "favicon.ico"})
