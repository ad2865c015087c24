"""Programme figures per municipality, region, team and school year; CSV and XLSX downloads."""

from flask import Response
from flask_smorest import Blueprint

from engine.clock import today_berlin
from engine.reports import export
from engine.reports.events import school_year_of
from engine.reports.figures import figures, require_reader

from ..context import current_user, db, settings
from ..schemas_reports import FiguresArgsSchema, FiguresSchema

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description="Programmzahlen")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        }
    }
}


@blp.route("/figures", methods=["GET"])
@blp.arguments(FiguresArgsSchema, location="query")
@blp.response(200, FiguresSchema)
@blp.doc(responses=DOWNLOADS)
def get_figures(args):
    """Figures of a school year (1 Aug - 31 Jul): persons supported, CM cases, referrals by agency,
    closures by reason, goals met, topics raised / escalated / resolved by level; small counts suppressed."""
    user = current_user()
    require_reader(user)
    year = args.get("school_year") or school_year_of(today_berlin())
    fig = figures(db(), tenant_id=user.tenant_id, school_year=year, min_count=settings().report_min_count)
    name = f"kim-kennzahlen-{year.replace('/', '-')}"
    if args["format"] == "csv":
        return Response(
            export.to_csv(fig),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    if args["format"] == "xlsx":
        return Response(
            export.to_xlsx(fig),
            mimetype=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    return fig
