"""Opening, finding and reading cases; consent withdrawal."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, defer
from sqlalchemy.orm.attributes import set_committed_value

from .. import inserted
from .. import workflow as wf
from ..access.actor import Actor
from ..access.service import can_read_cases, in_scope, require_case_manager, scope_filter, sees_personal_data
from ..audit.service import case_event, record
from ..clock import BERLIN, today_berlin, utcnow
from ..consents import service as consents
from ..db import begin_write
from ..errors import Conflict, Forbidden, InvalidInput, NotFound, ProcessFailure
from ..households import service as households
from ..instances.models import HistoryEntry, ProcessInstance
from ..instances.service import create_instance, record_step, start_current, stop_case_instances
from ..org.models import Municipality, Tenant
from ..org.service import filter_id, find_municipality
from ..processes.service import parsed_version
from ..tasks.models import READY, TaskRecord
from . import numbers
from .lifecycle import PROCESS_ID as LIFECYCLE
from .models import OPEN, Case
from .names import clean_names

CLIENT_NAMES = {"given_name": "client.given_name", "family_name": "client.family_name"}  # field -> path

WITHDRAWAL_MESSAGE = "consent_withdrawn"


@dataclass
class Page:
    """One page of a listing."""

    items: list
    total: int
    page: int
    per_page: int


def page_total(found: int, page: int, per_page: int, count: Callable[[], int]) -> int:
    """The total of a listing whose page ``page`` was read with one row more than ``per_page`` and held
    ``found`` rows: a page that is neither over full nor empty (the first may be empty) ends the
    listing, so the total follows without ``count()``, the extra query."""
    if found <= per_page and (found or page == 1):
        return (page - 1) * per_page + found
    return count()


def read_page(
    session: Session, listed, counted, page: int, per_page: int, params: dict | None = None
) -> tuple[list, int]:
    """Page ``page`` of ``listed`` and the listing's total: objects for a select of one ORM entity (or
    values of one column), rows for a select of several columns. One row beyond the page is read, so
    ``counted`` (its ``count()`` select) runs only when ``page_total`` cannot tell.

    With ``params`` (the values of its bound parameters), ``listed`` is a statement built once whose
    page comes from bound parameters (:func:`paged`), so it stays the same statement object."""
    limit, offset = per_page + 1, (page - 1) * per_page
    if params is None:
        result = session.execute(listed.limit(limit).offset(offset))
    else:
        result = session.execute(listed, {**params, _LIMIT: limit, _OFFSET: offset})
    found = (result.scalars() if len(result.keys()) == 1 else result).all()  # the statement's columns
    return list(found[:per_page]), page_total(
        len(found), page, per_page, lambda: session.scalar(counted, params) or 0
    )


_LIMIT, _OFFSET = "page_limit", "page_offset"


def paged(listed):
    """``listed`` with its page's LIMIT and OFFSET as bound parameters, which :func:`read_page` fills:
    a statement built once stays one (SQLAlchemy keeps its cache key on the object; building the
    statement and its key cost an opened case about a tenth of its time)."""
    return listed.limit(bindparam(_LIMIT)).offset(bindparam(_OFFSET))


def _pseudonym() -> str:
    return "K-" + secrets.token_hex(5).upper()


def open_case(session: Session, *, user: Actor, municipality: str, client: dict) -> Case:
    """Open a case and start the lifecycle process on its current version; names are tidied and checked
    (engine/cases/names.py) before anything is written."""
    require_case_manager(user)
    client = clean_names(client, CLIENT_NAMES)
    born = client.get("birth_date")
    if isinstance(born, date) and born > today_berlin():
        message = (
            f"Das Geburtsdatum darf nicht in der Zukunft liegen (heute ist der {today_berlin():%d.%m.%Y})."
        )
        raise InvalidInput(message, errors={"client.birth_date": [message]})
    begin_write(session)
    place = find_municipality(session, user.tenant_id, municipality)
    if user.team_id is None and place.id != user.municipality_id:
        raise Forbidden("Sie können nur Fälle Ihrer eigenen Gemeinde anlegen.", kind="out-of-scope")
    version_id, result = start_current(
        session, LIFECYCLE, "Der Fallprozess konnte nicht gestartet werden.", tenant_id=user.tenant_id
    )
    prefix = session.execute(_CASE_PREFIX, {"prefix_tenant": user.tenant_id}).scalar_one()
    opened = utcnow()
    year = opened.astimezone(BERLIN).year
    stored = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in client.items()}
    case = Case(
        case_number=numbers.case_number(prefix, year, numbers.next_number(session, user.tenant_id, year)),
        pseudonym=_pseudonym(),
        tenant_id=user.tenant_id,
        municipality_id=place.id,
        team_id=user.team_id,
        status=OPEN,
        opened_at=opened,
        case_manager_id=user.id,
        family_name=stored["family_name"],
        given_name=stored["given_name"],
        client=stored,
    )
    inserted.insert(session, case)
    # The page shows the place just read; the session keeps objects only while they are referenced.
    set_committed_value(case, "municipality", place)
    inserted.insert(session, households.first_member(case, client, case.opened_at))
    create_instance(session, case=case, version_id=version_id, process_id=LIFECYCLE, result=result, user=user)
    record(session, user, case_event("case.create", case))
    return case


# the user's tenant (it exists: a foreign key), built once
_CASE_PREFIX = select(Tenant.case_prefix).where(Tenant.id == bindparam("prefix_tenant"))


def get_case(session: Session, *, user: Actor, case_id: int) -> Case:
    """A case the user may see; 404 for everything else (no hint that it exists)."""
    can_read_cases(user)
    case = session.get(Case, case_id)
    if case is None or not in_scope(user, case.municipality_id, case.team_id, case.tenant_id):
        raise NotFound("Diesen Fall gibt es nicht oder Sie haben keinen Zugriff darauf.")
    return case


def read_case(session: Session, *, user: Actor, case_id: int, action: str = "case.read") -> Case:
    """``get_case`` for showing the case; the reading is recorded in the audit trail."""
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    record(session, user, case_event(action, case, detail={"personal_data": sees_personal_data(user)}))
    return case


def list_cases(
    session: Session,
    *,
    user: Actor,
    status: str | None = None,
    municipality: str | None = None,
    q: str | None = None,
    page: int = 1,
    per_page: int = 25,
) -> Page:
    """Cases in the user's scope, newest first, with optional filters; each listed case is audited."""
    can_read_cases(user)
    begin_write(session)
    cond = [scope_filter(user, Case.municipality_id, Case.team_id, Case.tenant_id)]
    if status:
        cond.append(Case.status == status)
    if municipality:
        cond.append(Case.municipality_id == filter_id(session, user.tenant_id, Municipality, municipality))
    if q:
        needle = q.strip()
        if user.role == "case_manager":
            # autoescape: % and _ in what people type are letters, not wildcards (both databases)
            cond.append(
                func.lower(Case.family_name).startswith(needle.lower(), autoescape=True)
                | (Case.case_number == needle)
                | (Case.pseudonym == needle)
            )
        else:
            cond.append((Case.case_number == needle) | (Case.pseudonym == needle))
    items, total = read_page(
        session,
        select(Case).where(*cond).order_by(Case.opened_at.desc(), Case.id.desc()),
        select(func.count()).select_from(Case).where(*cond),
        page,
        per_page,
    )
    record(
        session,
        user,
        *(case_event("case.list", c, detail={"personal_data": sees_personal_data(user)}) for c in items),
    )
    return Page(list(items), total, page, per_page)


def open_tasks(session: Session, case_id: int) -> list[TaskRecord]:
    """The case's ready tasks."""
    return list(session.scalars(_OPEN_TASKS, {"open_case": case_id}))


_OPEN_TASKS = (
    select(TaskRecord)
    .where(TaskRecord.case_id == bindparam("open_case"), TaskRecord.status == READY)
    .order_by(TaskRecord.created_at)
)


def history(
    session: Session, case_id: int, *, page: int = 1, per_page: int = 100, with_data: bool = True
) -> Page:
    """The case's history, oldest first; ``with_data=False`` leaves the entries' form data unread
    (not even decrypted)."""
    listed, counted = _history_queries(with_data=with_data)
    items, total = read_page(session, listed, counted, page, per_page, {"history_case": case_id})
    return Page(items, total, page, per_page)


@cache
def _history_queries(*, with_data: bool):
    """The history page and its count, built once, the case a bound parameter."""
    cond = HistoryEntry.case_id == bindparam("history_case")
    listed = select(HistoryEntry).where(cond).order_by(HistoryEntry.id)
    if not with_data:
        listed = listed.options(defer(HistoryEntry.data))
    return paged(listed), select(func.count()).select_from(HistoryEntry).where(cond)


def withdraw_consent(session: Session, *, user: Actor, case_id: int, deletion_days: int = 30) -> Case:
    """Consent withdrawn: processing stops and deletion of the personal data is scheduled.

    The lifecycle cancels its open tasks and closes the case; every other process of the
    case (follow-ups) stops; the consent register records the withdrawal.
    """
    require_case_manager(user)
    begin_write(session)
    case = get_case(session, user=user, case_id=case_id)
    instance = session.scalars(
        select(ProcessInstance)
        .where(ProcessInstance.case_id == case.id, ProcessInstance.process_id == LIFECYCLE)
        .with_for_update()
    ).first()
    if case.status != OPEN or instance is None:
        raise Conflict("Der Fall ist bereits abgeschlossen.", kind="case-closed")
    proc = parsed_version(session, instance.process_version_id)
    try:
        result = wf.send_message(proc, instance.state, WITHDRAWAL_MESSAGE)
    except wf.NotWaiting:
        raise Conflict(
            "Ein Widerruf ist erst möglich, nachdem die Einwilligung erteilt wurde.", kind="consent-not-given"
        ) from None
    except wf.EngineFailure as exc:
        raise ProcessFailure(
            "Der Widerruf konnte nicht verarbeitet werden.", element_id=exc.element_id
        ) from None
    # The other processes stop first, so the count says how many; the lifecycle's closure (its
    # after-step hook) would stop them as well.
    stopped = stop_case_instances(session, case, exclude=instance.id)
    record_step(session, instance=instance, case=case, result=result, user=user, completed_task=None)
    consents.withdraw_all(session, case=case, user=user)
    case.deletion_due_at = utcnow() + timedelta(days=deletion_days)
    record(
        session,
        user,
        case_event(
            "case.consent_withdrawn",
            case,
            detail={"stopped_processes": stopped, "deletion_due_at": case.deletion_due_at.isoformat()},
        ),
    )
    return case
