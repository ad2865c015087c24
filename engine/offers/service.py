"""Keeping the directory: create, change and retire offers, each change kept as a version.

Every field is checked in engine/offers/fields.py (German 422 naming each field; nothing saved).
Who may keep which offer: engine/offers/access.py. A change that changes nothing saves no version.
Nothing here commits: the request's unit of work does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.models import User
from ..clock import utcnow
from ..db import begin_write
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from .access import refuse_place, require_keeper
from .fields import FIELDS, LISTS, Places, clean, snapshot
from .models import LANGUAGE, LIFE_AREA, TARGET_GROUP, Offer, OfferTag, OfferVersion

NO_SUCH_OFFER = "Dieses Angebot gibt es nicht."
TAGS = {"life_areas": LIFE_AREA, "languages": LANGUAGE, "target_groups": TARGET_GROUP}
INVALID = "Das Angebot ist unvollständig oder ungültig."


def get_offer(session: Session, user: Actor, offer_id: int) -> Offer:
    """One offer of the user's tenant (404 otherwise)."""
    offer = session.get(Offer, offer_id)
    if offer is None or offer.tenant_id != user.tenant_id:
        raise NotFound(NO_SUCH_OFFER)
    return offer


def author_name(session: Session, user: Actor) -> str:
    """The display name versions keep for ``user``."""
    name = session.scalar(select(User.display_name).where(User.id == user.id))
    return name or user.username


def _values(session: Session, user: Actor, raw: dict, places: Places | None = None) -> dict:
    values, errors = clean(raw, places or Places.of(session, user.tenant_id))
    if errors:
        raise InvalidInput(INVALID, errors=errors)
    return values


def _check_place(user: Actor, values: dict, current: Offer | None) -> None:
    """The user may keep the offer where it is and where it goes; only coordinators open county-wide ones."""
    upkeep = current.shared_upkeep if current is not None else False
    if user.role != "coordinator":
        values["shared_upkeep"] = upkeep  # case managers neither open nor close an offer to others
    if current is not None:
        why = refuse_place(user, current.municipality_id, current.shared_upkeep)
        if why:
            raise Forbidden(why, kind="out-of-scope")
    why = refuse_place(user, values["municipality_id"], values["shared_upkeep"])
    if why:
        raise InvalidInput(why, errors={"municipality": [why]})


def _tags(session: Session, offer: Offer) -> None:
    session.execute(delete(OfferTag).where(OfferTag.offer_id == offer.id))
    session.add_all(
        OfferTag(tenant_id=offer.tenant_id, offer_id=offer.id, facet=facet, code=code)
        for name, facet in TAGS.items()
        for code in getattr(offer, name)
    )


def _version(session: Session, user: Actor, offer: Offer, action: str, now: datetime, author: str) -> None:
    session.add(
        OfferVersion(
            tenant_id=offer.tenant_id,
            offer_id=offer.id,
            version=offer.version,
            action=action,
            data=snapshot(offer),
            changed_by_id=user.id,
            changed_by=author,
            changed_at=now,
        )
    )


def save_new(
    session: Session, user: Actor, values: dict, *, action: str, now: datetime, author: str
) -> Offer:
    """Store checked ``values`` as a new offer with its tags and first version."""
    offer = Offer(tenant_id=user.tenant_id, version=1, created_at=now, updated_at=now, **values)
    session.add(offer)
    session.flush()
    _tags(session, offer)
    _version(session, user, offer, action, now, author)
    return offer


def save_change(
    session: Session, user: Actor, offer: Offer, values: dict, *, action: str, now: datetime, author: str
) -> bool:
    """Apply checked ``values``; a new version only when something changed (whether it did)."""
    before = snapshot(offer)
    for name, value in values.items():
        setattr(offer, name, value)
    if snapshot(offer) == before:
        return False
    offer.version += 1
    offer.updated_at = now
    if any(before[name] != getattr(offer, name) for name in LISTS):
        _tags(session, offer)
    _version(session, user, offer, action, now, author)
    return True


def create_offer(session: Session, *, user: Actor, data: dict) -> Offer:
    """A new offer (German 422 naming each bad field; nothing saved on error)."""
    require_keeper(user)
    begin_write(session)
    values = _values(session, user, data)
    _check_place(user, values, None)
    return save_new(session, user, values, action="created", now=utcnow(), author=author_name(session, user))


def change_offer(
    session: Session, *, user: Actor, offer_id: int, data: dict, version: int | None = None
) -> Offer:
    """Change an offer: every field is given again (the form's or the API's whole offer)."""
    require_keeper(user)
    begin_write(session)
    offer = get_offer(session, user, offer_id)
    if offer.retired_at is not None:
        raise Conflict("Dieses Angebot ist ausgetragen und kann nicht mehr geändert werden.", kind="conflict")
    if version is not None and version != offer.version:
        raise Conflict(
            "Das Angebot wurde inzwischen geändert; bitte neu laden und die Änderung wiederholen.",
            kind="conflict",
        )
    values = _values(session, user, {name: data.get(name) for name in FIELDS})
    _check_place(user, values, offer)
    save_change(
        session, user, offer, values, action="changed", now=utcnow(), author=author_name(session, user)
    )
    return offer


def retire_offer(session: Session, *, user: Actor, offer_id: int) -> Offer:
    """Take an offer out of the directory; it stays with its versions (links from cases keep it)."""
    require_keeper(user)
    begin_write(session)
    offer = get_offer(session, user, offer_id)
    why = refuse_place(user, offer.municipality_id, offer.shared_upkeep)
    if why:
        raise Forbidden(why, kind="out-of-scope")
    if offer.retired_at is not None:
        raise Conflict("Dieses Angebot ist bereits ausgetragen.", kind="conflict")
    now = utcnow()
    offer.retired_at, offer.updated_at = now, now
    offer.version += 1
    _version(session, user, offer, "retired", now, author_name(session, user))
    return offer
