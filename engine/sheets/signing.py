"""Which sheet a consent was signed on, and the interpreter rule.

The consent form may name the language of the sheet the client signed (``sheet_language``) and the
interpreting service present (``interpreter_service``, a service's name, never a person's private data).
A sheet in a language whose catalogue is only a draft - or that has none, so the client signed the
German text - can be recorded only with an interpreter present: else a German 422 on
``interpreter_service``, before the step moves (engine/consents/service.py ``before_completion``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..errors import InvalidInput
from . import catalogues, documents, uploads
from .languages import LANGUAGES, require_language

MAX_SERVICE = 200


@dataclass(frozen=True)
class Signed:
    """What a consent record keeps about its sheet."""

    language: str | None
    version: str | None
    interpreter_service: str | None


def signed_sheet(session: Session, tenant_id: int, data: dict) -> Signed:
    """The sheet named by the consent form's data, checked (German 422 on the field otherwise)."""
    raw = data.get("sheet_language")
    service = (data.get("interpreter_service") or "").strip() or None
    if service is not None and len(service) > MAX_SERVICE:
        message = f"Höchstens {MAX_SERVICE} Zeichen."
        raise InvalidInput(
            f"Der Name des Dolmetschdienstes ist zu lang. {message}", {"interpreter_service": [message]}
        )
    if not raw:
        return Signed(None, None, service)
    code = require_language(raw, field="sheet_language")
    catalogue = uploads.catalogue_for(session, tenant_id, code)
    if code == catalogues.SOURCE:
        return Signed(code, catalogues.shipped(code).label, service)
    ids = documents.needed("consent") + documents.needed("release")
    reviewed = catalogue is not None and catalogue.reviewed_for(ids)
    if not reviewed and service is None:
        state = "nur als Entwurf vor" if catalogue is not None else "noch nicht vor"
        message = (
            f"Der Bogen liegt auf {LANGUAGES[code]} {state}: die Einwilligung kann nur mit Dolmetschung "
            "erfasst werden. Bitte den Dolmetschdienst angeben."
        )
        raise InvalidInput(message, errors={"interpreter_service": [message]})
    version = (
        catalogue.label_for(reviewed)
        if catalogue is not None
        else catalogues.shipped(catalogues.SOURCE).label
    )
    return Signed(code, version, service)
