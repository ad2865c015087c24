"""The offers directory: search, keep (create, change, retire), versions, CSV/XLSX import and export,
links from a case's goals and referrals, "kein passendes Angebot" records and the Ist-/Bedarfsanalyse."""

from dataclasses import asdict

from flask import Response, request
from flask_smorest import Blueprint

from engine.clock import today_berlin
from engine.offers import analysis, analysis_export, casework, gap_read, read, service, transfer
from engine.reports.events import school_year_of

from ..context import current_user, db, settings
from ..schemas_offers import (
    IMPORT_BODY,
    GapArgsSchema,
    GapCreateSchema,
    GapListSchema,
    GapSchema,
    GapTopicCreateSchema,
    GapTopicSchema,
    OfferAnalysisArgsSchema,
    OfferAnalysisSchema,
    OfferChangeSchema,
    OfferExportArgsSchema,
    OfferImportResultSchema,
    OfferLinkCreateSchema,
    OfferLinkListSchema,
    OfferLinkSchema,
    OfferListSchema,
    OfferSchema,
    OfferSearchArgsSchema,
    OfferVersionListSchema,
    OfferWriteSchema,
)

blp = Blueprint(
    "offers", __name__, url_prefix="/api/v1", description="Angebotsverzeichnis und Angebotslücken"
)
XLSX = transfer.XLSX_TYPE
DOWNLOADS = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        }
    }
}


def _download(content: bytes, name: str, fmt: str) -> Response:
    return Response(
        content,
        mimetype=XLSX if fmt == "xlsx" else "text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"', "Cache-Control": "no-store"},
    )


@blp.route("/offers", methods=["GET"])
@blp.arguments(OfferSearchArgsSchema, location="query")
@blp.response(200, OfferListSchema)
def search_offers(args):
    """Search the directory: best matches first (criteria matched, then the municipality's own offers)."""
    query = read.Query(
        life_area=args["life_area"],
        language=args["language"],
        target_group=args["target_group"],
        municipality=args["municipality"],
        kind=args["kind"],
        text=args["q"],
        review=args["review"],
        retired=args["retired"],
        limit=args["limit"],
        offset=args["offset"],
    )
    found = read.search(db(), user=current_user(), query=query)
    return {"items": [asdict(v) for v in found.items], "total": found.total, "criteria": found.criteria}


@blp.route("/offers", methods=["POST"])
@blp.arguments(OfferWriteSchema)
@blp.response(201, OfferSchema)
def create_offer(args):
    """Add an offer (coordinators: any; case managers: their municipality's)."""
    session, user = db(), current_user()
    offer = service.create_offer(session, user=user, data=args)
    return asdict(read.views_of(session, user, [offer])[0])


@blp.route("/offers/<int:offer_id>", methods=["GET"])
@blp.response(200, OfferSchema)
def get_offer(offer_id):
    """One offer."""
    return asdict(read.offer_view(db(), user=current_user(), offer_id=offer_id))


@blp.route("/offers/<int:offer_id>", methods=["PUT"])
@blp.arguments(OfferChangeSchema)
@blp.response(200, OfferSchema)
def change_offer(args, offer_id):
    """Change an offer (the whole offer again; a new version when something changed)."""
    session, user = db(), current_user()
    version = args.pop("version", None)
    offer = service.change_offer(session, user=user, offer_id=offer_id, data=args, version=version)
    return asdict(read.views_of(session, user, [offer])[0])


@blp.route("/offers/<int:offer_id>/retire", methods=["POST"])
@blp.response(200, OfferSchema)
def retire_offer(offer_id):
    """Take an offer out of the directory (it stays, with its versions)."""
    session, user = db(), current_user()
    offer = service.retire_offer(session, user=user, offer_id=offer_id)
    return asdict(read.views_of(session, user, [offer])[0])


@blp.route("/offers/<int:offer_id>/versions", methods=["GET"])
@blp.response(200, OfferVersionListSchema)
def offer_versions(offer_id):
    """Every version of an offer, newest first, with author, date and what changed."""
    offer, versions = read.history(db(), user=current_user(), offer_id=offer_id)
    return {"offer": asdict(offer), "items": [asdict(v) for v in versions]}


@blp.route("/offers/export", methods=["GET"])
@blp.arguments(OfferExportArgsSchema, location="query")
@blp.doc(responses=DOWNLOADS)
def export_offers(args):
    """The current directory as CSV or XLSX in the import's column layout (docs/offers.md)."""
    content = transfer.export(db(), user=current_user(), fmt=args["format"])
    return _download(content, f"angebote-{today_berlin().isoformat()}", args["format"])


@blp.route("/offers/import", methods=["POST"])
@blp.doc(requestBody=IMPORT_BODY)
@blp.response(200, OfferImportResultSchema)
def import_offers():
    """Import a CSV or XLSX file: all rows or, if any row is bad, none (422 naming every bad line)."""
    upload = request.files.get("file")
    name = (upload.filename or "").lower() if upload else ""
    fmt = "xlsx" if name.endswith(".xlsx") else "csv" if name.endswith(".csv") else ""
    content = upload.read(transfer.MAX_BYTES + 1) if upload else b""
    return asdict(transfer.import_file(db(), user=current_user(), content=content, fmt=fmt))


@blp.route("/cases/<int:case_id>/offer-links", methods=["GET"])
@blp.response(200, OfferLinkListSchema)
def case_links(case_id):
    """The offers picked for the case's goals and referrals."""
    return {"items": [asdict(v) for v in gap_read.link_views(db(), user=current_user(), case_id=case_id)]}


@blp.route("/cases/<int:case_id>/offer-links", methods=["POST"])
@blp.arguments(OfferLinkCreateSchema)
@blp.response(201, OfferLinkSchema)
def link_offer(args, case_id):
    """Pick an offer of the directory for a goal or a referral of the case."""
    session, user = db(), current_user()
    link = casework.link_offer(session, user=user, case_id=case_id, **args)
    (view,) = [v for v in gap_read.link_views(session, user=user, case_id=case_id) if v.id == link.id]
    return asdict(view)


@blp.route("/cases/<int:case_id>/offer-gaps", methods=["POST"])
@blp.arguments(GapCreateSchema)
@blp.response(201, GapSchema)
def record_gap(args, case_id):
    """Record "kein passendes Angebot": the need and the reason (no personal data, no free text)."""
    session, user = db(), current_user()
    gap = casework.record_gap(session, user=user, case_id=case_id, **args)
    (view,) = [v for v in gap_read.case_gap_views(session, user=user, case_id=case_id) if v.id == gap.id]
    return asdict(view)


@blp.route("/offers/gaps", methods=["GET"])
@blp.arguments(GapArgsSchema, location="query")
@blp.response(200, GapListSchema)
def list_gaps(args):
    """The gap records the user may see, newest first (cases by pseudonym only)."""
    items = gap_read.gap_list(db(), user=current_user(), **args)
    return {"items": [asdict(v) for v in items]}


@blp.route("/offers/analysis", methods=["GET"])
@blp.arguments(OfferAnalysisArgsSchema, location="query")
@blp.response(200, OfferAnalysisSchema)
@blp.doc(responses=DOWNLOADS)
def get_analysis(args):
    """Ist-/Bedarfsanalyse per municipality: needs, offers and gaps by life area (small counts suppressed)."""
    year = args["school_year"] or school_year_of(today_berlin())
    data = analysis.analysis(
        db(),
        user=current_user(),
        school_year=year,
        municipality=args["municipality"],
        min_count=settings().report_min_count,
    )
    if args["format"] == "xlsx":
        return _download(analysis_export.to_xlsx(data), f"ist-bedarf-{year.replace('/', '-')}", "xlsx")
    return data


@blp.route("/offers/analysis/topics", methods=["POST"])
@blp.arguments(GapTopicCreateSchema)
@blp.response(201, GapTopicSchema)
def raise_gap_topic(args):
    """Raise the gaps of a municipality (and life area) as a structural topic with the counts attached."""
    topic, path = analysis.raise_gap_topic(
        db(), user=current_user(), min_count=settings().report_min_count, **args
    )
    return {
        "topic_id": topic.id,
        "number": topic.number,
        "title": topic.title,
        "description": topic.description,
        "figures": path,
    }
