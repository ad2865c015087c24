"""Raising a topic in the browser: the municipalities the user may raise it for, and the cases it comes
from named by pseudonym (each must be a case the user sees)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import scope_filter
from ..cases.models import Case
from ..errors import InvalidInput
from ..org.models import Municipality

FIELD = "cases"


def case_ids(session: Session, *, user: Actor, text: str) -> list[int]:
    """The ids of the cases whose pseudonyms ``text`` lists (comma, space or line separated).

    An unknown pseudonym and one of a case outside the user's scope get the same answer.
    """
    wanted = list(dict.fromkeys(p for p in re.split(r"[\s,;]+", text or "") if p))
    if not wanted:
        return []
    if len(wanted) > 50:
        raise InvalidInput("Zu viele Fälle.", errors={FIELD: ["Höchstens 50 Fälle."]})
    found = dict(
        session.execute(
            select(Case.pseudonym, Case.id).where(
                Case.pseudonym.in_(wanted),
                scope_filter(user, Case.municipality_id, Case.team_id, Case.tenant_id),
            )
        )
        .tuples()
        .all()
    )
    unknown = [p for p in wanted if p not in found]
    if unknown:
        raise InvalidInput(
            "Unbekanntes Pseudonym.",
            errors={FIELD: [f"Keinen Ihrer Fälle gefunden: {', '.join(unknown)}"]},
        )
    return [found[p] for p in wanted]


def places(session: Session, *, user: Actor) -> list[tuple[str, str]]:
    """(key, name) of the municipalities the user may raise a topic for (service.raise_topic's rule)."""
    cond = [Municipality.tenant_id == user.tenant_id]
    if user.role == "case_manager" and user.team_id is None:
        cond.append(Municipality.id == user.municipality_id)
    return [
        (k, n)
        for k, n in session.execute(
            select(Municipality.key, Municipality.name).where(*cond).order_by(Municipality.name)
        ).tuples()
    ]
