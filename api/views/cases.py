"""Cases: open, list, read, consent withdrawal, reopening."""

from dataclasses import asdict

from flask_smorest import Blueprint

from engine.cases import read, reopen, service

from ..context import current_user, db, settings
from ..schemas import (
    CaseCreateSchema,
    CaseDetailSchema,
    CaseListArgsSchema,
    CaseListSchema,
    CaseStateSchema,
    HistoryPageSchema,
    PageArgsSchema,
    ReopenRequestSchema,
)

blp = Blueprint("cases", __name__, url_prefix="/api/v1/cases", description="Fälle")


def _summary(view: read.CaseSummary) -> dict:
    """The summary as the schema shows it: ``client`` only where the engine gave one."""
    out = asdict(view)
    if out["client"] is None:
        del out["client"]
    return out


def _detail(view: read.CaseDetail) -> dict:
    out = _summary(view.case)
    out.update(open_tasks=view.open_tasks, history=view.history, history_total=view.history_total)
    return out


@blp.route("", methods=["POST"])
@blp.arguments(CaseCreateSchema)
@blp.response(201, CaseDetailSchema)
def create_case(args):
    """Open a case; the lifecycle starts and its first task appears."""
    user = current_user()
    case = service.open_case(db(), user=user, municipality=args["municipality"], client=args["client"])
    out = _detail(read.opened_case(db(), user=user, case=case))
    return out


@blp.route("", methods=["GET"])
@blp.arguments(CaseListArgsSchema, location="query")
@blp.response(200, CaseListSchema)
def list_cases(args):
    """Cases in my scope (newest first)."""
    page = read.case_list(db(), user=current_user(), **args)
    return {
        "items": [_summary(c) for c in page.items],
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
    }


@blp.route("/<int:case_id>", methods=["GET"])
@blp.response(200, CaseDetailSchema)
def get_case(case_id):
    """Status, open tasks and the latest history of a case."""
    out = _detail(read.case_detail(db(), user=current_user(), case_id=case_id))
    return out


@blp.route("/<int:case_id>/history", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, HistoryPageSchema)
def case_history(args, case_id):
    """The full history of a case, page by page."""
    page = read.case_history(
        db(), user=current_user(), case_id=case_id, page=args["page"], per_page=args["per_page"]
    )
    return {"items": page.items, "total": page.total, "page": page.page, "per_page": page.per_page}


@blp.route("/<int:case_id>/consent-withdrawal", methods=["POST"])
@blp.response(200, CaseStateSchema)
def withdraw_consent(case_id):
    """The client withdrew consent: open tasks are cancelled and the case is closed."""
    case = service.withdraw_consent(
        db(), user=current_user(), case_id=case_id, deletion_days=settings().withdrawal_deletion_days
    )
    return case


@blp.route("/<int:case_id>/reopen", methods=["POST"])
@blp.arguments(ReopenRequestSchema)
@blp.response(200, CaseDetailSchema)
def reopen_case(args, case_id):
    """Reopen a case closed by mistake (its case manager, within the tenant's period, with a reason).

    The case continues at the task it was closed from (consent or closure). No confirmation step:
    the call itself is the explicit decision.
    """
    user = current_user()
    case = reopen.reopen_case(db(), user=user, case_id=case_id, reason=args["reason"])
    out = _detail(read.opened_case(db(), user=user, case=case))
    return out
