"""The consent register: what a client agreed to, and refusing what it does not cover."""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..audit.service import case_event, record
from ..clock import BERLIN, today_berlin, utcnow
from ..errors import Conflict, InvalidInput, NotFound
from ..households.models import Member
from ..households.service import age_on, display_name, members_of, require_members
from ..sheets.signing import Signed, signed_sheet
from ..vocabulary import label, labels
from .models import DATA_PROCESSING, RELEASE, Consent, ConsentMember, Referral

ADULT = 18

# The agencies a release from confidentiality can name (forms/consent.json, forms/referral.json): the
# codes of the vocabulary as the form files define them; names come from engine/vocabulary.py.
AGENCIES = frozenset(labels("consent.agency"))


def agency_name(key: str | None) -> str:
    """The German name of an agency key."""
    return label("consent.agency", key)


def active(session: Session, case_id: int) -> list[Consent]:
    """The case's consents that are in force."""
    return list(session.scalars(_ACTIVE, {"consents_case": case_id}))


# Built once (a statement object keeps its cache key): task completions check the consents with it.
_ACTIVE = (
    select(Consent)
    .where(Consent.case_id == bindparam("consents_case"), Consent.withdrawn_at.is_(None))
    .order_by(Consent.id)
)


def register(session: Session, case_id: int) -> list[Consent]:
    """Every consent of the case, withdrawn ones included, oldest first."""
    return list(session.scalars(select(Consent).where(Consent.case_id == case_id).order_by(Consent.id)))


def covers(session: Session, case_id: int, agency: str, member_id: int | None = None) -> bool:
    """Whether data processing and a release towards ``agency`` for the member (default: the case's
    person, member 1) are both in force."""
    rows = active(session, case_id)
    if member_id is None:
        first = members_of(session, case_id, current_only=False)
        member_id = first[0].id if first else None
    return any(c.kind == DATA_PROCESSING for c in rows) and any(
        c.kind == RELEASE and c.agency == agency and member_id in c.member_ids for c in rows
    )


def _in_force_on(consent: Consent, day: date) -> bool:
    return consent.given_on <= day and (
        consent.withdrawn_at is None or consent.withdrawn_at.astimezone(BERLIN).date() > day
    )


def require_release(session: Session, case, agency: str, member_ids, on_date: date) -> list[Member]:
    """The members ``member_ids`` names, each with data processing and a release towards ``agency`` in
    force on ``on_date``; else a German 422 on ``member_ids`` naming the first member without one.

    A minor's release is the one the guardian gave for the minor (recorded with the minor's id)."""
    people = require_members(session, case.id, member_ids, "member_ids")
    rows = [c for c in register(session, case.id) if _in_force_on(c, on_date)]
    name = agency_name(agency)
    if not any(c.kind == DATA_PROCESSING for c in rows):
        message = f"Am {on_date:%d.%m.%Y} liegt keine Einwilligung zur Datenverarbeitung vor."
        raise InvalidInput(message, kind="consent-missing", errors={"member_ids": [message]})
    for person in people:
        if not any(c.kind == RELEASE and c.agency == agency and person.id in c.member_ids for c in rows):
            message = (
                f"Für {display_name(person)} liegt am {on_date:%d.%m.%Y} keine Schweigepflichtentbindung "
                f"gegenüber {name} vor."
            )
            raise InvalidInput(
                f"{message} Bitte zuerst die Schweigepflichtentbindung erfassen.",
                kind="consent-missing",
                errors={"member_ids": [message]},
            )
    return people


def covered_members(
    session: Session, case, member_ids, given_on: date, guardian_id: int | None
) -> list[ConsentMember]:
    """Whom a new consent covers: the named members (default the case's person); for a minor on
    ``given_on`` the guardian who gave it: ``guardian_id`` (an adult member of the household) or, by
    default, the first adult member (none: a guardian outside the household, e.g. a Vormund)."""
    current = members_of(session, case.id)
    if member_ids is None:
        member_ids = [current[0].id] if current else []
    people = require_members(session, case.id, member_ids, "member_ids")
    adults = [m for m in current if (age_on(m, given_on) or ADULT) >= ADULT]
    if guardian_id is not None and guardian_id not in {m.id for m in adults}:
        raise InvalidInput(
            "Die sorgeberechtigte Person muss ein volljähriges Mitglied des Haushalts sein.",
            errors={"guardian_id": ["Kein volljähriges Mitglied dieses Haushalts."]},
        )
    out = []
    for person in people:
        minor = (age_on(person, given_on) or ADULT) < ADULT
        guardian = None
        if minor:
            guardian = guardian_id if guardian_id is not None else next((m.id for m in adults), None)
        out.append(ConsentMember(member_id=person.id, guardian_id=guardian))
    return out


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
    member_ids: list[int] | None = None,
    guardian_id: int | None = None,
    sheet: Signed | None = None,
) -> Consent:
    """Record one consent for the members named (default: the case's person, member 1; a minor's by the
    guardian); the caller holds the write lock; it cannot be dated after today."""
    if isinstance(given_on, date) and given_on > today_berlin():
        message = f"Das Datum darf nicht in der Zukunft liegen (heute ist der {today_berlin():%d.%m.%Y})."
        raise InvalidInput(
            f"Eine Einwilligung kann nicht vorab erfasst werden. {message}", {"given_on": [message]}
        )
    if kind == RELEASE and agency not in labels("consent.agency"):  # codes deployed in the browser too
        raise InvalidInput("Unbekannte Stelle.", errors={"agency": ["Unbekannte Stelle."]})
    covered = covered_members(session, case, member_ids, _as_date(given_on), guardian_id)
    if kind == RELEASE:
        have = {
            i
            for c in active(session, case.id)
            if c.kind == RELEASE and c.agency == agency
            for i in c.member_ids
        }
        twice = [
            m for m in members_of(session, case.id) if m.id in have and m.id in {c.member_id for c in covered}
        ]
        if twice:
            raise Conflict(
                f"Eine Schweigepflichtentbindung gegenüber {agency_name(agency)} "
                f"für {display_name(twice[0])} liegt bereits vor.",
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
        members=covered,
        sheet_language=sheet.language if sheet else None,
        sheet_version=sheet.version if sheet else None,
        interpreter_service=sheet.interpreter_service if sheet else None,
    )
    session.add(row)
    session.flush()
    detail = {"kind": kind, "agency": row.agency, "consent_id": row.id, "member_ids": row.member_ids}
    record(session, user, case_event("consent.record", case, detail=detail))
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
    without naming an agency needs a referral sent before (engine/referrals); a consent signed on a
    sheet whose translation is only a draft needs the interpreting service (engine/sheets/signing.py)."""
    if form_key == "consent" and case is not None and data.get("consent_given") is True:
        signed_sheet(session, case.tenant_id, data)
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
        sheet = signed_sheet(session, case.tenant_id, data)
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
                sheet=sheet,
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
                    sheet=sheet,
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
