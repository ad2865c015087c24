"""The state's view: every county's programme figures side by side, and the programme controlling
export of a school year (CSV, XLSX, JSON; docs/state.md). Only for the state-level role."""

from flask import Response
from flask_smorest import Blueprint

from engine.clock import today_berlin
from engine.reports.events import school_year_of
from engine.state import export
from engine.state.figures import state_figures

from ..context import current_user, db, settings
from ..schemas_state import StateArgsSchema, StateExportArgsSchema, StateFiguresSchema

blp = Blueprint("state", __name__, url_prefix="/api/v1/state", description="Landesübersicht")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
            "application/json": {"schema": {"type": "object"}},
        }
    }
}


def _figures(args) -> dict:
    year = args.get("school_year") or school_year_of(today_berlin())
    return state_figures(db(), user=current_user(), school_year=year, min_count=settings().report_min_count)


@blp.route("/figures", methods=["GET"])
@blp.arguments(StateArgsSchema, location="query")
@blp.response(200, StateFiguresSchema)
def get_state_figures(args):
    """Every county's figures of a school year side by side, and their total; small counts suppressed."""
    return _figures(args)


@blp.route("/export", methods=["GET"])
@blp.arguments(StateExportArgsSchema, location="query")
@blp.doc(responses=DOWNLOADS)
def get_state_export(args):
    """The programme controlling export: one row per county (layout: docs/state.md)."""
    fig = _figures(args)
    name = f"kim-programmcontrolling-{fig['school_year'].replace('/', '-')}"
    kind = args["format"]
    if kind == "xlsx":
        body: str | bytes = export.to_xlsx(fig)
        mimetype = XLSX
    elif kind == "json":
        body, mimetype = export.to_json(fig), "application/json"
    else:
        body, mimetype = export.to_csv(fig), "text/csv"
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'}
    )
