"""The coordinators' dashboard (German, server-rendered, charts as inline SVG): open topics per level
and their age, the funnel, overdue escalations, upcoming meetings with agendas, follow-ups due,
and the programme figures. No client names or other personal data; cases appear as pseudonyms."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from engine.clock import today_berlin
from engine.errors import KimError
from engine.escalations import read
from engine.escalations.service import overdue_topics
from engine.followups import read as followups
from engine.org.terms import tenant_terms
from engine.reports.dashboard import dashboard as dashboard_data
from engine.reports.events import school_year_bounds, school_year_of
from engine.vocabulary import label, labels

from ..context import current_user, db, settings
from . import charts
from .strings import DE

bp = Blueprint("dashboard", __name__)


def _school_year(value: str | None) -> str:
    current = school_year_of(today_berlin())
    if not value:
        return current
    try:
        school_year_bounds(value)
    except KimError:
        return current
    return value


@bp.get("/dashboard")
def dashboard():
    """Koordination: Eskalationen, Sitzungen, Nachverfolgungen und Programmzahlen."""
    session, user = db(), current_user()
    if user.role not in ("coordinator", "steering"):
        return render_template("error.html", message=DE["dash_forbidden"]), 403
    year = _school_year(request.args.get("school_year"))
    min_count = settings().report_min_count
    data = dashboard_data(session, user=user, school_year=year, min_count=min_count)
    hidden = f"<{min_count}"
    fig = data["figures"]
    upcoming = [
        (u["meeting"], u["body"], [(i["topic"], i["step_name"], i["municipality"]) for i in u["items"]])
        for u in read.upcoming(session, user=user, limit=6)
    ]
    due = followups.overview(session, user=user, within_days=30)
    uma = tenant_terms(session, user.tenant_id).uma_team  # follow-ups exist only with a UmA team
    out = render_template(
        "dashboard.html",
        year=year,
        years=sorted({r["school_year"] for r in data["years"]} | {year}, reverse=True),
        open_by_level=[(label("topic.level", r["level"]), r) for r in data["open_by_level"]],
        funnel=data["funnel"],
        overdue=read.topic_summaries(session, overdue_topics(session, user=user, limit=10), user),
        overdue_total=data["overdue"],
        upcoming=upcoming,
        followups=due.items[:15],
        followup_counts=due.counts,
        uma_team=uma,
        fig=fig,
        hidden=hidden,
        min_count=min_count,
        chart_levels=charts.hbars(
            [(label("topic.level", r["level"]), r["count"]) for r in data["open_by_level"]],
            title=DE["dash_levels"],
        ),
        chart_funnel=charts.hbars(
            [(name, data["funnel"][key]) for key, name in labels("topic.funnel").items()],
            title=DE["dash_funnel_chart"],
            css="bar funnel",
        ),
        chart_years=charts.columns(
            [(r["school_year"], [r["persons_supported"], r["cm_cases"]]) for r in data["years"]],
            series=[DE["dash_series_persons"], DE["dash_series_cm"]],
            hidden=hidden,
            title=DE["dash_chart_years"],
        ),
        chart_places=charts.hbars(
            [(r["municipality"], r["persons_supported"]) for r in fig["by_municipality"]],
            title=DE["dash_chart_places"].format(year=year),
            hidden=hidden,
        ),
        chart_cm=charts.hbars(
            [(r["municipality"], r["cm_cases"]) for r in fig["by_municipality"]],
            title=DE["dash_chart_cm"].format(year=year),
            hidden=hidden,
            css="bar cm",
        ),
    )
    return out
