"""The personal-data review: case managers see which texts of a topic name a client of their cases.

Authors who see cases only by pseudonym are not told whether a text names a linked client (that
answer would confirm a guessed name); the responsible case managers, who see the names anyway,
get the findings here and ask the author to change the text (docs/security.md).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.service import in_scope, sees_personal_data
from ..audit.service import case_event, record
from ..db import begin_write
from ..errors import Forbidden
from .access import linked_cases, load_topic, naming_cases
from .decisions import WHY_FIELDS
from .service import trail
from .steps import TEXT_FIELDS


def personal_data_review(session: Session, *, user: Actor, topic_id: int) -> dict[str, list[str]]:
    """Per text of the topic (``title``, ``description``, ``trail.<n>.<field>``): the pseudonyms of
    the user's cases whose client it names. Only case managers who see the linked cases' names."""
    begin_write(session)
    topic = load_topic(session, user, topic_id)
    if not sees_personal_data(user):
        raise Forbidden(
            "Die Prüfung auf personenbezogene Daten sehen die Case-Managerinnen und "
            "Case-Manager der verknüpften Fälle."
        )
    cases = [
        c
        for c in linked_cases(session, topic.id)
        if in_scope(user, c.municipality_id, c.team_id, c.tenant_id)
    ]
    texts: dict[str, object] = {"title": topic.title, "description": topic.description}
    for n, event in enumerate(trail(session, topic.id)):
        detail = event.detail if isinstance(event.detail, dict) else {}
        for field in dict.fromkeys((*TEXT_FIELDS, *WHY_FIELDS)):
            texts[f"trail.{n}.{field}"] = detail.get(field)
    findings = {}
    for field, text in texts.items():
        named = naming_cases(cases, text)
        if named:
            findings[field] = [c.pseudonym for c in named]
    # The review compared the clients' names and birth dates with the texts: recorded per case.
    record(session, user, *(case_event("topic.check", c, detail={"topic_id": topic.id}) for c in cases))
    return findings
