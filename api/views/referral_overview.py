"""The coordinators' overview of referrals per agency and school year, and raising a row as a topic."""

from dataclasses import asdict

from flask_smorest import Blueprint

from engine.clock import today_berlin
from engine.referrals import overview
from engine.reports.events import school_year_of

from ..context import current_user, db, settings
from ..schemas_agencies import OverviewArgsSchema, OverviewSchema, OverviewTopicSchema, RaisedTopicSchema

blp = Blueprint(
    "referral_overview",
    __name__,
    url_prefix="/api/v1/reports/referrals",
    description="Verweisungen je Stelle (Übersicht)",
)


@blp.route("", methods=["GET"])
@blp.arguments(OverviewArgsSchema, location="query")
@blp.response(200, OverviewSchema)
def get_overview(args):
    """Per agency and school year: sent, answered, median days to the answer, overdue, declined with
    reasons; pseudonymised, small counts suppressed (coordinators and the Lenkungsgruppe)."""
    year = args.get("school_year") or school_year_of(today_berlin())
    found = overview.referral_overview(
        db(), user=current_user(), school_year=year, min_count=settings().report_min_count
    )
    return asdict(found)


@blp.route("/topics", methods=["POST"])
@blp.arguments(OverviewTopicSchema)
@blp.response(201, RaisedTopicSchema)
def raise_topic(args):
    """Raise an agency's row as a structural topic with the counts attached (coordinators)."""
    topic = overview.raise_agency_topic(
        db(), user=current_user(), min_count=settings().report_min_count, **args
    )
    return {"id": topic.id, "number": topic.number, "title": topic.title}
