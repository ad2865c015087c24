"""The signed sheet, scanned: uploaded into the case file (encrypted at rest, engine/casefile) and
linked to its consent."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import require_case_manager
from ..audit.service import case_event, record
from ..casefile import documents
from ..cases.service import get_case
from ..consents.models import DATA_PROCESSING, Consent
from ..consents.service import agency_name
from ..db import begin_write
from ..errors import NotFound

NO_CONSENT = "Diese Einwilligung gibt es in diesem Fall nicht."


def attach_scan(
    session: Session,
    *,
    user: Actor,
    case_id: int,
    consent_id: int,
    file_name: str | None,
    content: bytes | None,
) -> Consent:
    """Store the scan of the signed sheet in the case file and link it to the consent (it replaces an
    earlier link; the earlier document stays in the case file)."""
    require_case_manager(user)
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    consent = session.get(Consent, consent_id)
    if consent is None or consent.case_id != case.id:
        raise NotFound(NO_CONSENT)
    what = (
        "Einwilligung Datenverarbeitung"
        if consent.kind == DATA_PROCESSING
        else f"Schweigepflichtentbindung {agency_name(consent.agency)}"
    )
    doc = documents.upload(
        session,
        user=user,
        case_id=case.id,
        title=f"Unterschriebener Bogen: {what} ({consent.given_on:%d.%m.%Y})",
        file_name=file_name,
        content=content,
    )
    consent.scan_document_id = doc.id
    detail = {"consent_id": consent.id, "document_id": doc.id}
    record(session, user, case_event("consent.scan", case, detail=detail))
    return consent
