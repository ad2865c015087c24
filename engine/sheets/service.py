"""A sheet for one case: for its case managers (full names), out of scope 404, every print audited.

The release sheet names exactly the agencies of the case's releases in force (or, for a release being
prepared, the agencies asked for) and the household members they cover; the information sheet takes
controller, data-protection officer and storage period from the tenant.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import require_case_manager
from ..audit.service import case_event, record
from ..cases.models import Case
from ..cases.service import get_case
from ..consents import service as consents
from ..consents.models import RELEASE
from ..db import begin_write
from ..errors import InvalidInput
from ..households.models import Member
from ..households.service import display_name, members_of
from ..org.models import Tenant
from . import catalogues, documents, uploads
from .languages import require_language

NO_DOCUMENT = "Diesen Bogen gibt es nicht (consent, release, information oder about)."


def require_document(document: str) -> str:
    """``document`` if it is one of the four sheets, else a German 422 on ``document``."""
    if document not in documents.DOCUMENTS:
        raise InvalidInput(NO_DOCUMENT, errors={"document": [NO_DOCUMENT]})
    return document


def tenant_data(session: Session, tenant_id: int, default_retention_days: int) -> documents.SheetData:
    """The tenant's part of every sheet: name, controller, DPO and storage period."""
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:  # a user's tenant always exists; kept for the type checker
        raise InvalidInput("Unbekannter Träger.")
    days = tenant.retention_days if tenant.retention_days is not None else default_retention_days
    return documents.SheetData(
        tenant=tenant.name,
        controller=tenant.controller_address or tenant.name,
        dpo=tenant.dpo_contact or "–",
        retention_days=days,
    )


def _agencies(session: Session, case: Case, asked: list[str] | None) -> tuple[list[str], list[Member]]:
    people = {m.id: m for m in members_of(session, case.id, current_only=False)}
    releases = [c for c in consents.active(session, case.id) if c.kind == RELEASE]
    if asked:
        unknown = [a for a in asked if a not in consents.AGENCIES]
        if unknown:
            message = f"Unbekannte Stelle „{unknown[0]}“."
            raise InvalidInput(message, errors={"agencies": [message]})
        codes = list(dict.fromkeys(asked))
        covered = [people[i] for c in releases if c.agency in codes for i in c.member_ids if i in people]
    else:
        codes = list(dict.fromkeys(c.agency for c in releases if c.agency))
        covered = [people[i] for c in releases for i in c.member_ids if i in people]
    if not covered and people:
        covered = [next(iter(people.values()))]
    return codes, list({m.id: m for m in covered}.values())


def case_sheet(
    session: Session,
    *,
    user: Actor,
    case_id: int,
    document: str,
    language: str | None,
    default_retention_days: int,
    agencies: list[str] | None = None,
) -> documents.Sheet:
    """The sheet ``document`` for the case in German and ``language``; the print is audited."""
    require_case_manager(user)
    require_document(document)
    code = require_language(language)
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    base = tenant_data(session, case.tenant_id, default_retention_days)
    codes, covered = _agencies(session, case, agencies) if document == "release" else ([], [])
    data = documents.SheetData(
        tenant=base.tenant,
        controller=base.controller,
        dpo=base.dpo,
        retention_days=base.retention_days,
        client=f"{case.given_name} {case.family_name}",
        agencies=tuple(consents.agency_name(c) for c in codes),
        members=tuple(display_name(m) for m in covered),
        case_ref=case.pseudonym,
    )
    german = catalogues.shipped(catalogues.SOURCE)
    client = uploads.catalogue_for(session, case.tenant_id, code)
    sheet = documents.render(document, code, german, client, data)
    detail = {"document": document, "language": code, "catalogue": sheet.version, "agencies": codes}
    record(session, user, case_event("sheet.print", case, detail=detail))
    return sheet
