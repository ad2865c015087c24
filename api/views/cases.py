"""Cases: open, list, read, consent withdrawal."""
from flask_smorest import Blueprint

from engine.cases import service

from ..context import current_user, db, settings
from ..schemas import (
    CaseCreateSchema,
    CaseDetailSchema,
    CaseListArgsSchema,
    CaseListSchema,
    CaseStateSchema,
    HistoryPageSchema,
    PageArgsSchema,
)
from .present import case_summary, history_item

blp = Blueprint("cases", __name__, url_prefix="/api/v1/cases", description="Fälle")


def _detail(case, user) -> dict:
    out = case_summary(case, user)
    out["open_tasks"] = service.open_tasks(db(), case.id)
    page = service.history(db(), case.id, per_page=100)
    out["history"] = [history_item(h, user) for h in page.items]
    out["history_total"] = page.total
    return out


@blp.route("", methods=["POST"])
@blp.arguments(CaseCreateSchema)
@blp.response(201, CaseDetailSchema)
def create_case(args):
    """Open a case; the lifecycle starts and its first task appears."""
    user = current_user()
    case = service.open_case(db(), user=user, municipality=args["municipality"], client=args["client"])
    out = _detail(case, user)
    return out


@blp.route("", methods=["GET"])
@blp.arguments(CaseListArgsSchema, location="query")
@blp.response(200, CaseListSchema)
def list_cases(args):
    """Cases in my scope (newest first)."""
    user = current_user()
    page = service.list_cases(db(), user=user, **args)
    return {"items": [case_summary(c, user) for c in page.items], "total": page.total,
            "page": page.page, "per_page": page.per_page}


@blp.route("/<int:case_id>", methods=["GET"])
@blp.response(200, CaseDetailSchema)
def get_case(case_id):
    """Status, open tasks and the latest history of a case."""
    user = current_user()
    out = _detail(service.read_case(db(), user=user, case_id=case_id), user)
    return out


@blp.route("/<int:case_id>/history", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, HistoryPageSchema)
def case_history(args, case_id):
    """The full history of a case, page by page."""
    user = current_user()
    case = service.read_case(db(), user=user, case_id=case_id, action="case.history")
    page = service.history(db(), case.id, page=args["page"], per_page=args["per_page"])
    return {"items": [history_item(h, user) for h in page.items], "total": page.total, "page": page.page, "per_page": page.per_page}


@blp.route("/<int:case_id>/consent-withdrawal", methods=["POST"])
@blp.response(200, CaseStateSchema)
def withdraw_consent(case_id):
    """The client withdrew consent: open tasks are cancelled and the case is closed."""
    case = service.withdraw_consent(db(), user=current_user(), case_id=case_id,
                                    deletion_days=settings().withdrawal_deletion_days)
    return case
