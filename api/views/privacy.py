"""Consent register, legal hold, audit trail and the Art. 15 export."""

from flask_smorest import Blueprint

from engine.audit import export as art15
from engine.audit import service as audit
from engine.consents import register
from engine.retention.service import set_legal_hold

from ..context import current_user, db
from ..schemas_privacy import (
    AuditArgsSchema,
    AuditPageSchema,
    ConsentListSchema,
    ConsentSchema,
    ExportRequestSchema,
    ExportSchema,
    LegalHoldSchema,
    LegalHoldStateSchema,
    ReleaseCreateSchema,
)

blp = Blueprint("privacy", __name__, url_prefix="/api/v1", description="Einwilligungen und Datenschutz")


@blp.route("/cases/<int:case_id>/consents", methods=["GET"])
@blp.response(200, ConsentListSchema)
def consents(case_id):
    """The case's consent register: data processing and releases per agency, withdrawn ones too."""
    items = register.read(db(), user=current_user(), case_id=case_id)
    return {"items": items}


@blp.route("/cases/<int:case_id>/consents", methods=["POST"])
@blp.arguments(ReleaseCreateSchema)
@blp.response(201, ConsentSchema)
def add_release(args, case_id):
    """Record a further release from confidentiality towards one agency."""
    row = register.add_release(db(), user=current_user(), case_id=case_id, **args)
    return row


@blp.route("/cases/<int:case_id>/consents/<int:consent_id>/withdrawal", methods=["POST"])
@blp.response(200, ConsentSchema)
def withdraw_release(case_id, consent_id):
    """The client withdrew one release; referrals to that agency are refused from now on."""
    row = register.withdraw_release(db(), user=current_user(), case_id=case_id, consent_id=consent_id)
    return row


@blp.route("/cases/<int:case_id>/legal-hold", methods=["POST"])
@blp.arguments(LegalHoldSchema)
@blp.response(200, LegalHoldStateSchema)
def legal_hold(args, case_id):
    """Put a case on legal hold (no deletion) or lift it (data-protection officer)."""
    case = set_legal_hold(
        db(), user=current_user(), case_id=case_id, hold=args["hold"], reason=args["reason"]
    )
    return case


@blp.route("/audit", methods=["GET"])
@blp.arguments(AuditArgsSchema, location="query")
@blp.response(200, AuditPageSchema)
def audit_trail(args):
    """Who read or changed which case's data, when and why (data-protection officer only)."""
    items, total = audit.search(db(), user=current_user(), **args)
    return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}


@blp.route("/privacy/exports", methods=["POST"])
@blp.arguments(ExportRequestSchema)
@blp.response(200, ExportSchema)
def export(args):
    """All data held on a person and all accesses to it, machine-readable (GDPR Art. 15)."""
    out = art15.export_person(db(), user=current_user(), **args)
    return out
