"""Tenants' own catalogues: upload (checked, then stored per tenant and language), reset, and the
catalogue a sheet uses (the tenant's if there is one, else the shipped one).

Coordinators and process owners manage them; every upload and reset is audited. Nothing is stored when
the file fails the check (engine/sheets/catalogues.py ``parse``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..audit.service import Event, record
from ..clock import utcnow
from ..db import begin_write
from ..errors import Forbidden, InvalidInput, NotFound
from . import catalogues
from .catalogues import Catalogue
from .languages import LANGUAGES, require_language
from .models import TenantCatalogue

MANAGERS = ("coordinator", "process_owner")


def require_manager(user: Actor) -> None:
    """Only coordinators and process owners manage the tenant's catalogues."""
    if user.role not in MANAGERS:
        raise Forbidden("Übersetzungskataloge verwalten nur Koordination und Prozessverantwortliche.")


def _row(session: Session, tenant_id: int, code: str) -> TenantCatalogue | None:
    return session.scalar(
        select(TenantCatalogue).where(
            TenantCatalogue.tenant_id == tenant_id, TenantCatalogue.language == code
        )
    )


def catalogue_for(session: Session, tenant_id: int, code: str) -> Catalogue | None:
    """The catalogue a sheet in ``code`` uses for the tenant; None when there is none at all."""
    row = _row(session, tenant_id, code)
    try:
        shipped: Catalogue | None = catalogues.shipped(code)
    except KeyError:
        shipped = None
    if row is not None:
        return catalogues.parse(code, row.content.encode("utf-8"), source="tenant").over(shipped)
    return shipped


def upload(session: Session, *, user: Actor, language: str | None, raw: bytes | None) -> TenantCatalogue:
    """Store the tenant's catalogue for a language (replacing an earlier upload); German 422 otherwise."""
    require_manager(user)
    code = require_language(language, field="language")
    if code == catalogues.SOURCE:
        message = "Der deutsche Ausgangstext wird mit dem Programm ausgeliefert und nicht hochgeladen."
        raise InvalidInput(message, errors={"language": [message]})
    if not raw:
        message = "Bitte eine .po-Datei wählen (die Datei ist leer oder fehlt)."
        raise InvalidInput(message, errors={catalogues.FIELD: [message]})
    parsed = catalogues.parse(code, raw)
    begin_write(session)
    row = _row(session, user.tenant_id, code)
    if row is None:
        row = TenantCatalogue(tenant_id=user.tenant_id, language=code)
        session.add(row)
    row.content = raw.decode("utf-8")
    row.version = parsed.version[:50]
    row.review_state = parsed.review_state
    row.reviewed_by = parsed.reviewed_by[:200] or None
    row.reviewed_on = parsed.reviewed_on[:20] or None
    row.uploaded_by_id, row.uploaded_at = user.id, utcnow()
    session.flush()
    detail = {"language": code, "review_state": parsed.review_state, "messages": len(parsed.messages)}
    record(session, user, Event("sheet_catalogue.upload", "sheet_catalogue", row.id, detail=detail))
    return row


def reset(session: Session, *, user: Actor, language: str | None) -> None:
    """Drop the tenant's catalogue for a language: the shipped one applies again."""
    require_manager(user)
    code = require_language(language, field="language")
    begin_write(session)
    row = _row(session, user.tenant_id, code)
    if row is None:
        raise NotFound(f"Für {LANGUAGES[code]} gibt es keinen eigenen Katalog des Trägers.")
    record(
        session, user, Event("sheet_catalogue.reset", "sheet_catalogue", row.id, detail={"language": code})
    )
    session.delete(row)
    session.flush()


@dataclass(frozen=True)
class CatalogueRow:
    """One language as the catalogue page lists it."""

    code: str
    name: str
    source: str  # "tenant", "shipped" or "none"
    review_state: str | None
    reviewed_by: str | None
    reviewed_on: str | None
    version: str | None
    uploaded_at: datetime | None = None


def overview(session: Session, *, user: Actor) -> list[CatalogueRow]:
    """Every language with the catalogue in use for the user's tenant."""
    require_manager(user)
    own = {
        r.language: r
        for r in session.scalars(select(TenantCatalogue).where(TenantCatalogue.tenant_id == user.tenant_id))
    }
    shipped = set(catalogues.shipped_codes())
    out = []
    for code, name in LANGUAGES.items():
        row = own.get(code)
        if row is not None:
            out.append(
                CatalogueRow(
                    code,
                    name,
                    "tenant",
                    row.review_state,
                    row.reviewed_by,
                    row.reviewed_on,
                    row.version,
                    row.uploaded_at,
                )
            )
        elif code in shipped:
            cat = catalogues.shipped(code)
            out.append(
                CatalogueRow(
                    code, name, "shipped", cat.review_state, cat.reviewed_by, cat.reviewed_on, cat.version
                )
            )
        else:
            out.append(CatalogueRow(code, name, "none", None, None, None, None))
    return out
