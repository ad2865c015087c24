"""Bodies: local round tables per municipality, the Lenkungsgruppe with its members, working groups."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..audit.service import Event, record
from ..clock import utcnow
from ..db import begin_write
from ..errors import Conflict, InvalidInput, NotFound
from ..org.models import Municipality, Tenant
from ..org.service import filter_id, find_municipality
from .access import can_read, require_coordinator
from .models import LOCAL, STEERING, WORKING_GROUP, Body, BodyMember, Topic


def _seat(m: dict) -> tuple:
    """A seat of the seed as (function, organisation, membership, chair)."""
    return m["function"], m.get("organisation"), m.get("membership", "permanent"), m.get("chair", False)


def seed_bodies(session: Session, seed_file: Path | dict) -> int:
    """Create or update the bodies named in the organisation seed (its ``bodies`` section; the file or its
    parsed JSON, checked by engine/org/service.seed_organisation before)."""
    seed = json.loads(seed_file.read_text(encoding="utf-8")) if isinstance(seed_file, Path) else seed_file
    if not seed.get("bodies"):
        return 0
    begin_write(session)
    tenant = session.scalars(select(Tenant).where(Tenant.key == seed["tenant"]["key"])).one()
    places = {
        m.key: m.id for m in session.scalars(select(Municipality).where(Municipality.tenant_id == tenant.id))
    }
    count = 0
    for spec in seed["bodies"]:
        body = session.scalars(
            select(Body).where(Body.tenant_id == tenant.id, Body.key == spec["key"])
        ).first()
        values = {
            "kind": spec["kind"],
            "name": spec["name"],
            "municipality_id": places.get(spec.get("municipality")),
            "field": spec.get("field"),
            "description": spec.get("description"),
            "active": True,
        }
        if body is None:
            body = Body(tenant_id=tenant.id, key=spec["key"], created_at=utcnow(), **values)
            session.add(body)
            count += 1
        else:
            for key, value in values.items():
                setattr(body, key, value)
        session.flush()
        if "members" in spec:
            seats = [_seat(m) for m in spec["members"]]
            now = members(session, body.id)
            if [(o.function, o.organisation, o.membership, o.chair) for o in now] == seats:
                continue  # unchanged: the same seed twice changes nothing
            for old in now:
                session.delete(old)
            for m in spec["members"]:
                session.add(
                    BodyMember(
                        body_id=body.id,
                        function=m["function"],
                        organisation=m.get("organisation"),
                        membership=m.get("membership", "permanent"),
                        chair=m.get("chair", False),
                    )
                )
    session.flush()
    return count


def list_bodies(
    session: Session, *, user: Actor, kind: str | None = None, municipality: str | None = None
) -> list[Body]:
    """The county's bodies: the Lenkungsgruppe first, then local bodies, then working groups."""
    can_read(user)
    cond = [Body.tenant_id == user.tenant_id]
    if kind:
        cond.append(Body.kind == kind)
    if municipality:
        cond.append(Body.municipality_id == filter_id(session, user.tenant_id, Municipality, municipality))
    rows = session.scalars(select(Body).where(*cond).order_by(Body.name)).all()
    order = {STEERING: 0, LOCAL: 1, WORKING_GROUP: 2}
    return sorted(rows, key=lambda b: (order.get(b.kind, 3), b.name))


def get_body(session: Session, *, user: Actor, body_id: int) -> Body:
    """A body of the county (404 otherwise)."""
    can_read(user)
    body = session.get(Body, body_id)
    if body is None or body.tenant_id != user.tenant_id:
        raise NotFound("Dieses Gremium gibt es nicht.")
    return body


def members(session: Session, body_id: int) -> list[BodyMember]:
    return list(
        session.scalars(select(BodyMember).where(BodyMember.body_id == body_id).order_by(BodyMember.id))
    )


def create_body(
    session: Session,
    *,
    user: Actor,
    kind: str,
    name: str,
    municipality: str | None = None,
    field: str | None = None,
    description: str | None = None,
) -> Body:
    """Coordinators set up a local body (with the municipality) or a working group (with its field)."""
    require_coordinator(user)
    if kind not in (LOCAL, WORKING_GROUP):
        raise InvalidInput(
            "Es können örtliche Gremien und Arbeitsgruppen angelegt werden.",
            errors={"kind": ["Nur 'local' oder 'working_group'."]},
        )
    begin_write(session)
    place = None
    if kind == LOCAL:
        if not municipality:
            raise InvalidInput(
                "Ein örtliches Gremium gehört zu einer Gemeinde.", errors={"municipality": ["Pflichtfeld."]}
            )
        place = find_municipality(session, user.tenant_id, municipality)
    elif not field:
        raise InvalidInput("Eine Arbeitsgruppe hat ein Handlungsfeld.", errors={"field": ["Pflichtfeld."]})
    clean = name.strip()
    if (
        session.scalar(select(Body.id).where(Body.tenant_id == user.tenant_id, Body.name == clean))
        is not None
    ):
        raise Conflict("Ein Gremium mit diesem Namen gibt es bereits.", kind="already-exists")
    slug = re.sub(r"[^a-z0-9]+", "-", clean.lower()).strip("-")[:40] or "gremium"
    body = Body(
        tenant_id=user.tenant_id,
        key=f"{kind}-{slug}-{utcnow():%y%m%d%H%M%S%f}"[:60],
        kind=kind,
        name=clean,
        municipality_id=place.id if place else None,
        field=field if kind == WORKING_GROUP else None,
        description=description,
        active=True,
        created_at=utcnow(),
    )
    session.add(body)
    session.flush()
    if place is not None:  # topics of the municipality that waited for no body now wait for this one
        session.execute(
            update(Topic)
            .where(
                Topic.tenant_id == user.tenant_id,
                Topic.municipality_id == place.id,
                Topic.status == "open",
                Topic.waiting_step == "local_decision",
                Topic.waiting_body_id.is_(None),
            )
            .values(waiting_body_id=body.id)
            .execution_options(synchronize_session=False)
        )
    record(session, user, Event("body.create", "body", body.id, detail={"kind": kind}))
    return body
