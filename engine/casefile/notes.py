"""Case notes (Aktenvermerke): a case manager records a call, a visit, a meeting, a letter or an e-mail."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..audit.service import case_event, record
from ..clock import today_berlin, utcnow
from ..errors import InvalidInput
from ..vocabulary import label, labels
from .access import case_to_write, member_of
from .models import CaseNote

KINDS = "note.kind"
MAX_TEXT = 20_000


def add_note(
    session: Session,
    *,
    user: Actor,
    case_id: int,
    noted_on: date,
    kind: str,
    text: str,
    member_id: int | None = None,
) -> CaseNote:
    """Record a note on the case; a German 422 naming the field for a bad date, kind, text or member."""
    case = case_to_write(session, user=user, case_id=case_id)
    errors: dict[str, list[str]] = {}
    if kind not in labels(KINDS):
        choices = ", ".join(labels(KINDS).values())
        errors["kind"] = [f"Unbekannte Art des Vermerks; möglich: {choices}."]
    if not isinstance(noted_on, date) or noted_on > today_berlin():
        errors["noted_on"] = ["Das Datum darf nicht in der Zukunft liegen."]
    text = (text or "").strip()
    if not text:
        errors["text"] = ["Bitte den Vermerk eingeben."]
    elif len(text) > MAX_TEXT:
        errors["text"] = [f"Höchstens {MAX_TEXT} Zeichen."]
    if errors:
        raise InvalidInput("Der Vermerk ist unvollständig oder ungültig.", errors=errors)
    note = CaseNote(
        case_id=case.id,
        tenant_id=case.tenant_id,
        member_id=member_of(session, case, member_id),
        kind=kind,
        noted_on=noted_on,
        text=text,
        author_id=user.id,
        created_at=utcnow(),
    )
    session.add(note)
    session.flush()
    record(session, user, case_event("note.create", case, detail={"note_id": note.id, "kind": kind}))
    return note


def kind_label(kind: str) -> str:
    """The German name of a note's kind."""
    return label(KINDS, kind)
