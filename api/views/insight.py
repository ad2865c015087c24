"""Process insight: a case's (or topic's) diagrams, heat map figures per version, event logs (XES, OCEL)."""

from __future__ import annotations

from flask import Response, jsonify
from flask_smorest import Blueprint

from engine.insight import case_diagram, eventlog, heatmap

from ..context import current_user, db, settings
from ..schemas_insight import (
    CaseDiagramsSchema,
    EventLogQuerySchema,
    InsightQuerySchema,
    InsightSchema,
    TopicDiagramSchema,
)

blp = Blueprint("insight", __name__, url_prefix="/api/v1", description="Prozessauswertung")
XES_DOC = {200: {"description": "IEEE XES", "content": {"application/xml": {"schema": {"type": "string"}}}}}
OCEL_DOC = {
    200: {"description": "OCEL 2.0 (JSON)", "content": {"application/json": {"schema": {"type": "object"}}}}
}


@blp.route("/cases/<int:case_id>/diagrams", methods=["GET"])
@blp.response(200, CaseDiagramsSchema)
def case_diagrams(case_id):
    """Every process instance of the case on its diagram: steps done, tasks open, timers waiting."""
    return case_diagram.case_diagrams(db(), user=current_user(), case_id=case_id)


@blp.route("/topics/<int:topic_id>/diagram", methods=["GET"])
@blp.response(200, TopicDiagramSchema)
def topic_diagram(topic_id):
    """The escalation topic's instance on its diagram."""
    return case_diagram.topic_diagram(db(), user=current_user(), topic_id=topic_id)


@blp.route("/processes/<string:process_id>/insight", methods=["GET"])
@blp.arguments(InsightQuerySchema, location="query")
@blp.response(200, InsightSchema)
def insight(args, process_id):
    """Heat map figures of one version (process owners, coordinators): waiting now, time per element,
    flows taken, how cases end; small counts suppressed."""
    min_count = settings().report_min_count
    return heatmap.insight(db(), user=current_user(), process_id=process_id, min_count=min_count, **args)


@blp.route("/eventlog.xes", methods=["GET"])
@blp.arguments(EventLogQuerySchema, location="query")
@blp.alt_response(200, success=True, description="IEEE XES", content_type="application/xml")
@blp.doc(responses=XES_DOC)
def eventlog_xes(args):
    """The event log in IEEE XES for process mining; pseudonymised (roles, case pseudonyms, no form data)."""
    text = eventlog.xes(
        db(),
        user=current_user(),
        process_id=args["process"],
        date_from=args["date_from"],
        date_to=args["date_to"],
    )
    name = f"kim-{args['process'] or 'alle'}.xes"
    return Response(
        text, mimetype="application/xml", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@blp.route("/eventlog.jsonocel", methods=["GET"])
@blp.arguments(EventLogQuerySchema, location="query")
@blp.doc(responses=OCEL_DOC)
def eventlog_ocel(args):
    """The event log in OCEL 2.0 (JSON): events related to cases, referrals and topics."""
    log = eventlog.ocel(
        db(),
        user=current_user(),
        process_id=args["process"],
        date_from=args["date_from"],
        date_to=args["date_to"],
    )
    response = jsonify(log)
    name = f"kim-{args['process'] or 'alle'}.jsonocel"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
