"""The consent register: what a client agreed to, and refusing what it does not cover."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..audit.service import case_event, record
from ..clock import today_berlin, utcnow
from ..errors import Conflict, InvalidInput, NotFound
from ..vocabulary import label, labels
from .models import DATA_PROCESSING, RELEASE, Consent, Referral

# The agencies a release from confidentiality can name (forms/consent.json, forms/referral.json): the
# codes of the vocabulary as the form files define them; names come from engine/vocabulary.py.
AGENCIES = frozenset(labels("consent.agency"))


def agency_name(key: str | None) -> str:
    """The German name of an agency key."""
    return label("consent.agency", key)


def active(session: Session, case_id: int) -> list[Consent]:
    """The case's consents that are in force."""
    return list(
        session.scalars(
            select(Consent)
            .where(Consent.case_id == case_id, Consent.withdrawn_at.is_(None))
            .order_by(Consent.id)
        )
    )


def register(session: Session, case_id: int) -> list[Consent]:
    """Every consent of the case, withdrawn ones included, oldest first."""
    return list(session.scalars(select(Consent).where(Consent.case_id == case_id).order_by(Consent.id)))


def covers(session: Session, case_id: int, agency: str) -> bool:
    """Whether data processing and a release towards ``agency`` are both in force."""
    kinds = {(c.kind, c.agency) for c in active(session, case_id)}
    return (DATA_PROCESSING, None) in kinds and (RELEASE, agency) in kinds


def in_force_since(session: Session, case_id: int, agency: str) -> date | None:
    """Since when data processing and the release towards ``agency`` have both been in force."""
    days = [
        c.given_on
        for c in active(session, case_id)
        if c.kind == DATA_PROCESSING or (c.kind == RELEASE and c.agency == agency)
    ]
    return max(days) if days else None


def _as_date(value) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return today_berlin()


def add(
    session: Session,
    *,
    case,
    user: Actor,
    kind: str,
    agency: str | None,
    given_on,
    form_version: str | None,
    task_id: str | None = None,
) -> Consent:
    """Record one consent (the caller holds the write lock); it cannot be dated after today."""
    if isinstance(given_on, date) and given_on > today_berlin():
        message = f"Das Datum darf nicht in der Zukunft liegen (heute ist der {today_berlin():%d.%m.%Y})."
        raise InvalidInput(
            f"Eine Einwilligung kann nicht vorab erfasst werden. {message}", {"given_on": [message]}
        )
    if kind == RELEASE and agency not in labels("consent.agency"):  # codes deployed in the browser too
        raise InvalidInput("Unbekannte Stelle.", errors={"agency": ["Unbekannte Stelle."]})
    if kind == RELEASE and any(c.kind == RELEASE and c.agency == agency for c in active(session, case.id)):
        raise Conflict(
            f"Eine Schweigepflichtentbindung gegenüber {agency_name(agency)} liegt bereits vor.",
            kind="already-exists",
        )
    row = Consent(
        case_id=case.id,
        kind=kind,
        agency=agency if kind == RELEASE else None,
        form_version=form_version,
        given_on=_as_date(given_on),
        recorded_at=utcnow(),
        recorded_by_id=user.id,
        task_id=task_id,
    )
    session.add(row)
    session.flush()
    record(
        session,
        user,
        case_event("consent.record", case, detail={"kind": kind, "agency": row.agency, "consent_id": row.id}),
    )
    return row


def withdraw_all(session: Session, *, case, user: Actor) -> int:
    """Mark every consent in force as withdrawn (the client withdrew consent)."""
    count = session.execute(
        update(Consent)
        .where(Consent.case_id == case.id, Consent.withdrawn_at.is_(None))
        .values(withdrawn_at=utcnow(), withdrawn_by_id=user.id)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # DML through Session.execute gives a CursorResult
    record(session, user, case_event("consent.withdraw", case, detail={"consents": count}))
    return count


def withdraw_one(session: Session, *, case, user: Actor, consent_id: int) -> Consent:
    """Withdraw one release from confidentiality (the rest stays in force)."""
    row = session.get(Consent, consent_id)
    if row is None or row.case_id != case.id:
        raise NotFound("Diese Einwilligung gibt es in diesem Fall nicht.")  # an unknown path id: 404
    if row.withdrawn_at is not None:
        raise Conflict("Diese Einwilligung ist bereits widerrufen.", kind="consent-withdrawn")
    if row.kind != RELEASE:
        raise Conflict(
            "Der Widerruf der Einwilligung zur Datenverarbeitung beendet den Fall: "
            "bitte den Widerruf für den ganzen Fall erfassen.",
            kind="withdrawal-ends-case",
        )
    row.withdrawn_at, row.withdrawn_by_id = utcnow(), user.id
    record(
        session,
        user,
        case_event("consent.withdraw", case, detail={"consent_id": row.id, "agency": row.agency}),
    )
    return row


# Hooks around task completion, by form key (called by engine/tasks/service.py).


def before_completion(session: Session, *, case, form_key: str | None, data: dict) -> None:
    """Refuse what the consent does not cover, before the process moves; closing the referrals
    without naming an agency needs a referral sent before (engine/referrals)."""
    closing = form_key == "referral" and case is not None and data.get("agency") is None
    if closing and session.scalar(select(Referral.id).where(Referral.case_id == case.id).limit(1)) is None:
        raise InvalidInput(
            "Es wurde noch keine Verweisung gesendet. Bitte zuerst im Fall unter „Verweisungen“ "
            "eine Verweisung senden oder hier eine Stelle angeben.",
            errors={"agency": ["Noch keine Verweisung gesendet."]},
        )
    if form_key == "referral" and case is not None and isinstance(data.get("agency"), str):
        agency = data["agency"]
        if not covers(session, case.id, agency):
            raise InvalidInput(
                f"Für eine Verweisung an {agency_name(agency)} fehlt die Schweigepflichtentbindung "
                "(oder die Einwilligung zur Datenverarbeitung). Bitte zuerst die Einwilligung ergänzen.",
                kind="consent-missing",
                errors={"agency": ["Keine Schweigepflichtentbindung gegenüber dieser Stelle."]},
            )
        _not_before_consent(session, case, agency, data.get("referral_date"))


def _not_before_consent(session: Session, case, agency: str, referral_date) -> None:
    """A referral relies on the consent and release in force on its date: not dated before them."""
    since = in_force_since(session, case.id, agency)
    try:
        day = date.fromisoformat(referral_date) if isinstance(referral_date, str) else None
    except ValueError:
        day = None  # the form's date format check reports it
    if since is not None and day is not None and day < since:
        message = (
            "Die Verweisung kann nicht vor der Einwilligung und Schweigepflichtentbindung "
            f"({since:%d.%m.%Y}) liegen."
        )
        raise InvalidInput(
            f"{message} Bitte das Datum der Verweisung prüfen.", errors={"referral_date": [message]}
        )


def after_completion(
    session: Session, *, case, form_key: str | None, task_id: str, data: dict, user: Actor
) -> None:
    """Project consent and referral forms into the register and the referral list."""
    if case is None:
        return
    if form_key == "consent" and data.get("consent_given") is True:
        version, given_on = data.get("form_version"), data.get("consent_date")
        if data.get("data_processing") is True:
            add(
                session,
                case=case,
                user=user,
                kind=DATA_PROCESSING,
                agency=None,
                given_on=given_on,
                form_version=version,
                task_id=task_id,
            )
        for agency in data.get("confidentiality_release_agencies") or []:
            if not covers(session, case.id, agency):
                add(
                    session,
                    case=case,
                    user=user,
                    kind=RELEASE,
                    agency=agency,
                    given_on=given_on,
                    form_version=version,
                    task_id=task_id,
                )
    elif form_key == "referral" and data.get("agency") is not None:
        session.add(
            Referral(
                case_id=case.id,
                tenant_id=case.tenant_id,
                municipality_id=case.municipality_id,
                team_id=case.team_id,
                agency=data["agency"],
                referred_on=_as_date(data.get("referral_date")),
                task_id=task_id,
                referred_by_id=user.id,
                created_at=utcnow(),
            )
        )
        record(session, user, case_event("referral.send", case, detail={"agency": data["agency"]}))
