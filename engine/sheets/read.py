"""What the pages show about sheets: the languages to print a case's sheets in, and the catalogue list."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import sees_personal_data
from ..cases.service import get_case
from ..households.service import members_of
from ..instances.models import HistoryEntry
from . import catalogues
from .languages import LANGUAGES, code_of
from .uploads import CatalogueRow, overview

__all__ = ["CatalogueRow", "catalogue_list", "sheet_languages"]


def sheet_languages(session: Session, *, user: Actor, case_id: int) -> list[tuple[str, str]]:
    """The languages to offer "Bogen drucken" in, as (code, German name): the first contact's
    conversation language, then the household's languages, German last; only for the case's case
    managers (others get none). Free text no language list knows is left out."""
    if not sees_personal_data(user):
        return []
    case = get_case(session, user=user, case_id=case_id)
    said = session.scalars(
        select(HistoryEntry.data).where(
            HistoryEntry.case_id == case.id,
            HistoryEntry.bpmn_id == "first_contact",
            HistoryEntry.data.is_not(None),
        )
    ).all()
    named = [(d or {}).get("language") for d in said]
    for member in members_of(session, case.id):
        named += list((member.person or {}).get("languages") or [])
    codes = [c for c in (code_of(n) for n in named if isinstance(n, str)) if c and c != catalogues.SOURCE]
    return [(c, LANGUAGES[c]) for c in dict.fromkeys(codes)] + [(catalogues.SOURCE, LANGUAGES["de"])]


def catalogue_list(session: Session, *, user: Actor) -> list[CatalogueRow]:
    """Every language with the catalogue in use for the user's tenant (coordinators, process owners)."""
    return overview(session, user=user)
