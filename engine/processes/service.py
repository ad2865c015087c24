"""Deploying process versions and forms, and finding what runs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal, overload

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import workflow as wf
from ..clock import utcnow
from ..db import begin_write
from ..errors import InvalidInput, NotFound
from .form_contract import require_contract
from .forms import check_form_schema
from .models import FormVersion, ProcessVersion
from .scope import current_id, current_row, next_number, owned


def _hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def current_form_id(session: Session, form_key: str, *, tenant_id: int | None) -> int:
    """Id of the version of a form the tenant's tasks use (cheap: validators are cached per id)."""
    form_id = current_id(session, FormVersion, form_key, tenant_id)
    if form_id is None:
        raise NotFound(f"Das Formular '{form_key}' ist nicht bereitgestellt.", kind="not-deployed")
    return form_id


def current_form(session: Session, form_key: str, *, tenant_id: int | None) -> FormVersion:
    """The version of a form the tenant's tasks use: its own current one, else the base's."""
    form = current_row(session, FormVersion, form_key, tenant_id)
    if form is None:
        raise NotFound(f"Das Formular '{form_key}' ist nicht bereitgestellt.", kind="not-deployed")
    return form


def deploy_form(
    session: Session,
    form_key: str,
    content: bytes,
    by: str,
    only_new: bool = False,
    *,
    tenant_id: int | None = None,
) -> tuple[FormVersion, bool]:
    """Deploy a form schema as the base's version (``tenant_id`` None) or a tenant's own; returns
    (version, created). Content the tenant already uses is a no-op; with ``only_new`` (repository
    files at start-up, the base) so is any base content stored before."""
    try:
        schema = json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            f"Formular '{form_key}': kein gültiges JSON ({exc}).", kind="form-invalid"
        ) from None
    problems = check_form_schema(schema)
    if problems:
        raise InvalidInput(f"Formular '{form_key}': " + " ".join(problems), kind="form-invalid")
    require_contract(form_key, schema)
    digest = _hash(json.dumps(schema, sort_keys=True).encode())
    # Content stored before is no news: a repository file never overrides a newer version
    # deployed in the browser (or a rollback) at the next start-up.
    if only_new:
        known = session.scalars(
            select(FormVersion)
            .where(
                FormVersion.form_key == form_key,
                FormVersion.content_hash == digest,
                owned(FormVersion, tenant_id),
            )
            .order_by(FormVersion.is_current.desc(), FormVersion.version.desc())
        ).first()
    else:
        known = current_row(session, FormVersion, form_key, tenant_id)
        known = known if known is not None and known.content_hash == digest else None
    if known is not None:
        return known, False
    number = next_number(session, FormVersion, form_key)
    session.execute(
        update(FormVersion)
        .where(FormVersion.form_key == form_key, owned(FormVersion, tenant_id))
        .values(is_current=False)
    )
    version = FormVersion(
        form_key=form_key,
        version=number,
        tenant_id=tenant_id,
        content_hash=digest,
        schema=schema,
        is_current=True,
        deployed_at=utcnow(),
        deployed_by=by,
    )
    session.add(version)
    session.flush()
    return version, True


def deploy_process(
    session: Session, xml: bytes, by: str, by_id: int | None = None, process_id: str | None = None
) -> tuple[ProcessVersion, bool]:
    """Validate and deploy a repository diagram as the base's version; returns (version, created).
    Base content stored before (deployed, rolled back from, or a draft) is a no-op."""
    try:
        parsed = wf.parse_diagram(xml, process_id)
    except wf.DiagramError as exc:
        raise InvalidInput(
            "Das Diagramm kann nicht bereitgestellt werden.",
            kind="diagram-invalid",
            problems=[p.as_dict() for p in exc.problems],
        ) from None
    missing = sorted(
        {key for key in parsed.form_keys.values() if current_row(session, FormVersion, key, None) is None}
    )
    if missing:
        raise InvalidInput(
            "Das Diagramm verweist auf Formulare, die es nicht gibt: " + ", ".join(missing),
            kind="diagram-invalid",
        )
    digest = _hash(xml)
    known = session.scalars(
        select(ProcessVersion)
        .where(
            ProcessVersion.process_id == parsed.process_id,
            ProcessVersion.content_hash == digest,
            ProcessVersion.tenant_id.is_(None),
        )
        .order_by(ProcessVersion.is_current.desc(), ProcessVersion.version.desc())
    ).first()
    if known is not None:  # stored before (maybe as a draft): never re-deployed behind owners' backs
        return known, False
    number = next_number(session, ProcessVersion, parsed.process_id)
    session.execute(
        update(ProcessVersion)
        .where(ProcessVersion.process_id == parsed.process_id, ProcessVersion.tenant_id.is_(None))
        .values(is_current=False)
    )
    version = ProcessVersion(
        process_id=parsed.process_id,
        version=number,
        name=parsed.name,
        content_hash=digest,
        xml=xml.decode("utf-8"),
        is_current=True,
        deployed_at=utcnow(),
        deployed_by=by,
        deployed_by_id=by_id,
    )
    session.add(version)
    session.flush()
    return version, True


def deploy_directories(
    session: Session, processes_dir: Path, forms_dir: Path, by: str = "system"
) -> list[str]:
    """Deploy every form and diagram from the directories; returns what changed (one transaction)."""
    begin_write(session)
    changed = []
    for path in sorted(forms_dir.glob("*.json")):
        version, created = deploy_form(session, path.stem, path.read_bytes(), by, only_new=True)
        if created:
            changed.append(f"form {version.form_key} v{version.version}")
    for path in sorted(processes_dir.glob("*.bpmn")):
        process, created = deploy_process(session, path.read_bytes(), by, process_id=path.stem)
        if created:
            changed.append(f"process {process.process_id} v{process.version}")
    return changed


@overload
def current_version(
    session: Session, process_id: str, required: Literal[True] = True, *, tenant_id: int | None
) -> ProcessVersion: ...


@overload
def current_version(
    session: Session, process_id: str, required: bool, *, tenant_id: int | None
) -> ProcessVersion | None: ...


def current_version(
    session: Session, process_id: str, required: bool = True, *, tenant_id: int | None
) -> ProcessVersion | None:
    """The version new instances of ``process_id`` in the tenant start on: its own current one, else
    the base's (``tenant_id`` None: the base's)."""
    version = current_row(session, ProcessVersion, process_id, tenant_id)
    if version is None and required:
        raise NotFound(f"Der Prozess '{process_id}' ist nicht bereitgestellt.", kind="not-deployed")
    return version


def current_version_id(session: Session, process_id: str, *, tenant_id: int | None) -> int:
    """The id of :func:`current_version` (the row and its XML are not read: the parsed specs come
    from the cache by id)."""
    version_id = current_id(session, ProcessVersion, process_id, tenant_id)
    if version_id is None:
        raise NotFound(f"Der Prozess '{process_id}' ist nicht bereitgestellt.", kind="not-deployed")
    return version_id


def parsed_version(session: Session, version_id: int) -> wf.ParsedProcess:
    """Parsed specs of a process version, from the spec cache."""

    def load():
        row = session.get_one(ProcessVersion, version_id)
        return row.xml.encode("utf-8"), row.process_id

    # Versions are immutable, but ids repeat across databases (tests, tenants): key by both.
    return wf.SPEC_CACHE.get((str(session.get_bind().engine.url), version_id), load)


def keep_workflows(entries: int) -> None:
    """How many workflows each process keeps in memory after a step (the setting
    ``kept_workflows``; engine/workflow/kept.py), beside the parsed specs above."""
    wf.keep_workflows(entries)
