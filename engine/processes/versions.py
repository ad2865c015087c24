"""Process owners' work on diagrams: store drafts with a verdict, deploy, roll back, reset to the base,
list. An owner's versions are the tenant's own (engine/processes/scope.py): they override the shared base
for that tenant alone until it resets to the base."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import workflow as wf
from ..access.actor import Actor
from ..audit.service import Event, record
from ..clock import utcnow
from ..db import begin_write
from ..errors import Forbidden, InvalidInput, NotFound
from .models import FormVersion, ProcessVersion
from .scope import current_id, current_row, next_number, owned, reset_to_base, source, visible
from .service import _hash

DRAFT, DEPLOYED = "draft", "deployed"
OWNER_ROLES = {"process_owner"}


def require_process_owner(user: Actor) -> None:
    """Diagrams and forms are the process owners' work."""
    if user.role not in OWNER_ROLES:
        raise Forbidden("Nur Prozessverantwortliche können Prozesse und Formulare bearbeiten.")


@dataclass
class Verdict:
    """Whether a diagram can be deployed, and every reason it cannot."""

    process_id: str
    name: str | None
    deployable: bool
    problems: list[dict]


def judge(session: Session, xml: bytes, tenant_id: int | None) -> Verdict:
    """The verdict on a well-formed diagram (DiagramError if it is not well-formed) against the forms
    the tenant uses: every error and warning at once; deployable when no problem is an error."""
    process_id, name = wf.inspect_diagram(xml)
    forms = session.scalars(
        select(FormVersion)
        .where(FormVersion.is_current.is_(True), visible(FormVersion, tenant_id))
        .order_by(FormVersion.tenant_id.is_(None).desc())  # the base first: the tenant's own win
    )
    problems = wf.judge_diagram(xml, {f.form_key: wf.form_properties(f.schema) for f in forms})
    return Verdict(process_id, name, not wf.is_blocking(problems), [p.as_dict() for p in problems])


def validate(session: Session, *, user: Actor, xml: bytes) -> Verdict:
    """Judge a diagram without storing it (the modeler's "Prüfen")."""
    require_process_owner(user)
    return judge(session, _well_formed(xml), user.tenant_id)


def _well_formed(xml: bytes) -> bytes:
    try:
        wf.inspect_diagram(xml)
    except wf.DiagramError as exc:
        first = exc.problems[0]
        raise InvalidInput(
            first.message_de,
            kind="diagram-invalid",
            problems=[p.as_dict() for p in exc.problems],
            line=first.line,
            column=first.column,
        ) from None
    return xml


def store(session: Session, *, user: Actor, xml: bytes) -> tuple[ProcessVersion, bool]:
    """Store an upload as a draft version of the tenant's own with its verdict; content the tenant sees
    already (its own or the base's) is no new version."""
    require_process_owner(user)
    _well_formed(xml)
    try:
        xml.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("Die Datei ist nicht UTF-8-kodiert.") from None
    begin_write(session)
    verdict = judge(session, xml, user.tenant_id)
    digest = _hash(xml)
    same = session.scalars(
        select(ProcessVersion)
        .where(
            ProcessVersion.process_id == verdict.process_id,
            ProcessVersion.content_hash == digest,
            visible(ProcessVersion, user.tenant_id),
        )
        .order_by(ProcessVersion.tenant_id.is_(None), ProcessVersion.version.desc())  # its own first
    ).first()
    if same is not None:
        return same, False
    row = ProcessVersion(
        process_id=verdict.process_id,
        version=next_number(session, ProcessVersion, verdict.process_id),
        tenant_id=user.tenant_id,
        name=verdict.name,
        content_hash=digest,
        xml=xml.decode("utf-8"),
        is_current=False,
        status=DRAFT,
        deployable=verdict.deployable,
        problems=verdict.problems,
        created_at=utcnow(),
        created_by=user.username,
    )
    session.add(row)
    session.flush()
    record(
        session,
        user,
        Event(
            "process.upload",
            "process_version",
            f"{row.process_id}@{row.version}",
            detail={"deployable": row.deployable, "problems": len(row.problems or [])},
        ),
    )
    return row, True


def get_version(
    session: Session, process_id: str, version: int | None = None, *, tenant_id: int | None
) -> ProcessVersion:
    """One version of a process the tenant sees (the newest without ``version``); another tenant's
    version is as missing as one that does not exist."""
    cond = [ProcessVersion.process_id == process_id, visible(ProcessVersion, tenant_id)]
    if version is not None:
        cond.append(ProcessVersion.version == version)
    row = session.scalars(select(ProcessVersion).where(*cond).order_by(ProcessVersion.version.desc())).first()
    if row is None:
        raise NotFound("Diesen Prozess oder diese Version gibt es nicht.")
    return row


def deploy(
    session: Session,
    *,
    user: Actor,
    process_id: str,
    version: int | None = None,
    action: str = "process.deploy",
) -> tuple[ProcessVersion, bool]:
    """Make a version the one the tenant's new cases start on; (version, changed). Unchanged is a
    no-op. The base's current version again is a reset to the base; an older base version becomes a
    copy of the tenant's own."""
    require_process_owner(user)
    begin_write(session)
    tenant_id = user.tenant_id
    row = get_version(session, process_id, version, tenant_id=tenant_id)
    verdict = judge(session, row.xml.encode("utf-8"), tenant_id)  # forms may have changed since the upload
    if not verdict.deployable:
        raise InvalidInput(
            "Diese Version kann nicht bereitgestellt werden.",
            kind="diagram-invalid",
            problems=verdict.problems,
        )
    current = current_row(session, ProcessVersion, process_id, tenant_id)
    if current is not None and (current.id == row.id or current.content_hash == row.content_hash):
        return current, False
    if row.tenant_id is None and row.is_current:
        return reset(session, user=user, process_id=process_id)
    if row.tenant_id is None:  # an older base version: the tenant's own copy of it
        row = _own_copy(session, row, user)
    session.execute(
        update(ProcessVersion)
        .where(ProcessVersion.process_id == process_id, owned(ProcessVersion, tenant_id))
        .values(is_current=False)
        .execution_options(synchronize_session=False)
    )
    row.is_current, row.status, row.deployable, row.problems = True, DEPLOYED, True, verdict.problems
    row.deployed_at, row.deployed_by, row.deployed_by_id = utcnow(), user.username, user.id
    session.flush()
    record(session, user, Event(action, "process_version", f"{row.process_id}@{row.version}"))
    return row, True


def _own_copy(session: Session, row: ProcessVersion, user: Actor) -> ProcessVersion:
    """A base version as a new version of the tenant's own (same diagram, the next number)."""
    copy = ProcessVersion(
        process_id=row.process_id,
        version=next_number(session, ProcessVersion, row.process_id),
        tenant_id=user.tenant_id,
        name=row.name,
        content_hash=row.content_hash,
        xml=row.xml,
        is_current=False,
        status=DRAFT,
        deployable=row.deployable,
        problems=row.problems,
        created_at=utcnow(),
        created_by=user.username,
    )
    session.add(copy)
    session.flush()
    return copy


def rollback(session: Session, *, user: Actor, process_id: str, version: int) -> tuple[ProcessVersion, bool]:
    """Deploy an earlier version again (new cases start on it; running cases stay where they are)."""
    return deploy(session, user=user, process_id=process_id, version=version, action="process.rollback")


def reset(session: Session, *, user: Actor, process_id: str) -> tuple[ProcessVersion, bool]:
    """Back to the base: the tenant's own version stops being current, its new cases start on the
    base's current version; running cases stay on their version. (base version, changed)."""
    require_process_owner(user)
    begin_write(session)
    get_version(session, process_id, tenant_id=user.tenant_id)  # 404 for a process the tenant cannot see
    base, changed = reset_to_base(session, ProcessVersion, process_id, user.tenant_id)
    if changed:
        record(session, user, Event("process.reset", "process_version", f"{base.process_id}@{base.version}"))
    return base, bool(changed)


def view(row: ProcessVersion, current_id: int | None) -> dict:
    """A version as a tenant sees it: current for the tenant or not, the base's or the tenant's own."""
    out = {
        c: getattr(row, c)
        for c in (
            "process_id",
            "version",
            "name",
            "status",
            "deployable",
            "problems",
            "created_at",
            "created_by",
            "deployed_at",
            "deployed_by",
        )
    }
    return {**out, "is_current": row.id == current_id, "source": source(row)}


def current_for(session: Session, user: Actor, process_id: str) -> int | None:
    """The id of the version the user's tenant starts new cases on."""
    return current_id(session, ProcessVersion, process_id, user.tenant_id)


def list_processes(session: Session, *, user: Actor) -> list[dict]:
    """Every process the tenant sees with its current and newest version, and whose the current is."""
    require_process_owner(user)
    seen = visible(ProcessVersion, user.tenant_id)
    rows = session.execute(
        select(ProcessVersion.process_id, func.max(ProcessVersion.version), func.count())
        .where(seen)
        .group_by(ProcessVersion.process_id)
        .order_by(ProcessVersion.process_id)
    ).all()
    current: dict[str, ProcessVersion] = {}
    for r in session.scalars(
        select(ProcessVersion)
        .where(ProcessVersion.is_current.is_(True), seen)
        .order_by(ProcessVersion.tenant_id.is_(None).desc())  # the base first: the tenant's own win
    ):
        current[r.process_id] = r
    return [
        {
            "process_id": pid,
            "name": current[pid].name if pid in current else None,
            "current_version": current[pid].version if pid in current else None,
            "current_source": source(current[pid]) if pid in current else None,
            "latest_version": latest,
            "versions": count,
        }
        for pid, latest, count in rows
    ]


def list_versions(session: Session, *, user: Actor, process_id: str) -> list[dict]:
    """Every version of a process the tenant sees (the base's and its own), newest first."""
    require_process_owner(user)
    rows = list(
        session.scalars(
            select(ProcessVersion)
            .where(ProcessVersion.process_id == process_id, visible(ProcessVersion, user.tenant_id))
            .order_by(ProcessVersion.version.desc())
        )
    )
    if not rows:
        raise NotFound("Diesen Prozess gibt es nicht.")
    current = current_for(session, user, process_id)
    return [view(r, current) for r in rows]
