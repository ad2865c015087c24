"""Process owners' work on diagrams: store drafts with a verdict, deploy, roll back, list."""

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


def judge(session: Session, xml: bytes) -> Verdict:
    """The verdict on a well-formed diagram (DiagramError if it is not well-formed): every error
    and warning at once; deployable when no problem is an error."""
    process_id, name = wf.inspect_diagram(xml)
    forms = session.scalars(select(FormVersion).where(FormVersion.is_current.is_(True)))
    problems = wf.judge_diagram(xml, {f.form_key: wf.form_properties(f.schema) for f in forms})
    return Verdict(process_id, name, not wf.is_blocking(problems), [p.as_dict() for p in problems])


def validate(session: Session, *, user: Actor, xml: bytes) -> Verdict:
    """Judge a diagram without storing it (the modeler's "Prüfen")."""
    require_process_owner(user)
    return judge(session, _well_formed(xml))


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
    """Store an upload as a draft version with its verdict; the same content again is no new version."""
    require_process_owner(user)
    _well_formed(xml)
    try:
        xml.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("Die Datei ist nicht UTF-8-kodiert.") from None
    begin_write(session)
    verdict = judge(session, xml)
    digest = _hash(xml)
    same = session.scalars(
        select(ProcessVersion)
        .where(ProcessVersion.process_id == verdict.process_id, ProcessVersion.content_hash == digest)
        .order_by(ProcessVersion.version.desc())
    ).first()
    if same is not None:
        return same, False
    last = (
        session.scalar(
            select(func.max(ProcessVersion.version)).where(ProcessVersion.process_id == verdict.process_id)
        )
        or 0
    )
    row = ProcessVersion(
        process_id=verdict.process_id,
        version=last + 1,
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


def get_version(session: Session, process_id: str, version: int | None = None) -> ProcessVersion:
    """One version of a process (the newest without ``version``)."""
    cond = [ProcessVersion.process_id == process_id]
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
    """Make a version the one new cases start on; (version, changed). Unchanged is a no-op."""
    require_process_owner(user)
    begin_write(session)
    row = get_version(session, process_id, version)
    verdict = judge(session, row.xml.encode("utf-8"))  # forms may have changed since the upload
    if not verdict.deployable:
        raise InvalidInput(
            "Diese Version kann nicht bereitgestellt werden.",
            kind="diagram-invalid",
            problems=verdict.problems,
        )
    current = session.scalars(
        select(ProcessVersion).where(
            ProcessVersion.process_id == process_id, ProcessVersion.is_current.is_(True)
        )
    ).first()
    if current is not None and (current.id == row.id or current.content_hash == row.content_hash):
        return current, False
    session.execute(
        update(ProcessVersion)
        .where(ProcessVersion.process_id == process_id)
        .values(is_current=False)
        .execution_options(synchronize_session=False)
    )
    row.is_current, row.status, row.deployable, row.problems = True, DEPLOYED, True, verdict.problems
    row.deployed_at, row.deployed_by, row.deployed_by_id = utcnow(), user.username, user.id
    session.flush()
    record(session, user, Event(action, "process_version", f"{row.process_id}@{row.version}"))
    return row, True


def rollback(session: Session, *, user: Actor, process_id: str, version: int) -> tuple[ProcessVersion, bool]:
    """Deploy an earlier version again (new cases start on it; running cases stay where they are)."""
    return deploy(session, user=user, process_id=process_id, version=version, action="process.rollback")


def list_processes(session: Session, *, user: Actor) -> list[dict]:
    """Every process with its current and newest version."""
    require_process_owner(user)
    rows = session.execute(
        select(ProcessVersion.process_id, func.max(ProcessVersion.version), func.count())
        .group_by(ProcessVersion.process_id)
        .order_by(ProcessVersion.process_id)
    ).all()
    current = {
        r.process_id: r
        for r in session.scalars(select(ProcessVersion).where(ProcessVersion.is_current.is_(True)))
    }
    return [
        {
            "process_id": pid,
            "name": current[pid].name if pid in current else None,
            "current_version": current[pid].version if pid in current else None,
            "latest_version": latest,
            "versions": count,
        }
        for pid, latest, count in rows
    ]


def list_versions(session: Session, *, user: Actor, process_id: str) -> list[ProcessVersion]:
    """Every version of a process, newest first."""
    require_process_owner(user)
    rows = list(
        session.scalars(
            select(ProcessVersion)
            .where(ProcessVersion.process_id == process_id)
            .order_by(ProcessVersion.version.desc())
        )
    )
    if not rows:
        raise NotFound("Diesen Prozess gibt es nicht.")
    return rows
