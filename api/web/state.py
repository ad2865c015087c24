"""Die Landesübersicht (the state-level role's page): every county's figures of a school year side by
side, an accessible table per figure group, one chart, and the programme controlling downloads.
No cases, no names: the figures are engine/state's (pseudonymised, small counts suppressed)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from engine.errors import Forbidden
from engine.reports.figures import FIGURES
from engine.state.export import NAMES
from engine.state.figures import state_figures

from ..context import current_user, db, settings
from . import charts
from .dashboard import _school_year
from .strings_state import ST

bp = Blueprint("state_pages", __name__)
YEARS_SHOWN = 8
# The overview's columns: every figure's total, in the figures' order.
OVERVIEW = list(FIGURES)


def _years(current: str) -> list[str]:
    start = int(current[:4])
    newest = int(_school_year(None)[:4])
    firsts = sorted({newest - n for n in range(YEARS_SHOWN)} | {start}, reverse=True)
    return [f"{y}/{(y + 1) % 100:02d}" for y in firsts]


@bp.get("/state")
def overview():
    """Landesübersicht: Programmzahlen aller Kreise nebeneinander."""
    year = _school_year(request.args.get("school_year"))
    min_count = settings().report_min_count
    try:
        fig = state_figures(db(), user=current_user(), school_year=year, min_count=min_count)
    except Forbidden as exc:
        return render_template("error.html", message=exc.detail), 403
    hidden = f"<{min_count}"
    breakdowns = [
        (breakdown, NAMES[breakdown], list(fig["labels"][breakdown].items()))
        for _name, (_kind, breakdown) in FIGURES.items()
        if breakdown
    ]
    return render_template(
        "state.html",
        st=ST,
        year=year,
        years=_years(year),
        fig=fig,
        hidden=hidden,
        min_count=min_count,
        overview=[(name, NAMES[name]) for name in OVERVIEW],
        breakdowns=breakdowns,
        chart=charts.hbars(
            [(r["tenant_name"], r["persons_supported"]) for r in fig["tenants"]],
            title=ST["chart_persons"].format(year=year),
            hidden=hidden,
            label_width=260,
        ),
    )
