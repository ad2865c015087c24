"""Who may read topics and bodies, raise topics, and decide at which step."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import sees_personal_data
from ..cases.models import Case
from ..errors import Forbidden, InvalidInput, NotFound
from .models import Topic, TopicCase
from .steps import Step

READ_ROLES = {"case_manager", "coordinator", "steering"}
RAISE_ROLES = {"case_manager", "coordinator"}
NO_SUCH_TOPIC = "Dieses Thema gibt es nicht oder Sie haben keinen Zugriff darauf."
PERSONAL = (
    "Enthält personenbezogene Daten eines verknüpften Falls (Name oder Geburtsdatum). "
    "Themen nennen Fälle nur über ihr Pseudonym."
)


def can_read(user: Actor) -> None:
    """Topics, bodies and meetings: case managers, coordinators and Lenkungsgruppe members."""
    if user.role not in READ_ROLES:
        raise Forbidden("Ihre Rolle hat keinen Zugriff auf Themen und Gremien.")


def require_coordinator(user: Actor) -> None:
    if user.role != "coordinator":
        raise Forbidden("Das ist Aufgabe der koordinierenden Stellen.")


def load_topic(session: Session, user: Actor, topic_id: int, *, lock: bool = False) -> Topic:
    """A topic of the user's county; 404 otherwise."""
    can_read(user)
    query = select(Topic).where(Topic.id == topic_id, Topic.tenant_id == user.tenant_id)
    topic = session.scalars(query.with_for_update() if lock else query).first()
    if topic is None:
        raise NotFound(NO_SUCH_TOPIC)
    return topic


def may_decide(user: Actor, topic: Topic, step: Step) -> None:
    """Case managers decide only for their own municipality's (or team's) local body."""
    if user.role not in step.roles:
        raise Forbidden("Diese Entscheidung trifft ein anderes Gremium bzw. die koordinierenden Stellen.")
    if user.role == "case_manager":
        own = (
            topic.team_id == user.team_id
            if user.team_id is not None
            else topic.municipality_id == user.municipality_id and topic.team_id is None
        )
        if not own:
            raise Forbidden(
                "Sie können nur Themen Ihrer eigenen Gemeinde bzw. Ihres Teams entscheiden.",
                kind="out-of-scope",
            )


def linked_cases(session: Session, topic_id: int) -> list[Case]:
    """The cases a topic came from."""
    return list(
        session.scalars(
            select(Case)
            .join(TopicCase, TopicCase.case_id == Case.id)
            .where(TopicCase.topic_id == topic_id)
            .order_by(TopicCase.id)
        )
    )


def _needles(cases: list[Case]) -> list[re.Pattern]:
    out = []
    for case in cases:
        values = [case.given_name, case.family_name]
        birth = (case.client or {}).get("birth_date")
        if birth:
            values.append(str(birth))
            parts = str(birth).split("-")
            if len(parts) == 3:
                values.append(f"{parts[2]}.{parts[1]}.{parts[0]}")
        for value in values:
            if value and len(value.strip()) >= 3 and not value.startswith("("):
                out.append(re.compile(r"(?<!\w)" + re.escape(value.strip()) + r"(?!\w)", re.IGNORECASE))
    return out


def refuse_client_data(user: Actor, cases: list[Case], texts: dict[str, object]) -> None:
    """Refuse free text that names a linked client or their birth date, as far as the author sees them.

    Only names the author may see count: for a pseudonymised author (coordinators, Lenkungsgruppe)
    that is none, so the answer to a guessed name is the same whether or not it is a linked client's
    (no oracle). What they write is checked by the case managers of the linked cases instead
    (``review.personal_data_review``, docs/security.md).
    """
    visible = cases if sees_personal_data(user) else []
    needles = _needles(visible)
    errors = {
        field: [PERSONAL]
        for field, text in texts.items()
        if isinstance(text, str) and any(n.search(text) for n in needles)
    }
    if errors:
        raise InvalidInput(
            "Ein Thema darf keine personenbezogenen Daten von Klientinnen und Klienten enthalten.",
            kind="personal-data-refused",
            errors=errors,
        )


def naming_cases(cases: list[Case], text: object) -> list[Case]:
    """The cases whose client ``text`` names (family or given name, birth date)."""
    if not isinstance(text, str):
        return []
    return [case for case in cases if any(n.search(text) for n in _needles([case]))]
