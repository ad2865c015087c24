"""Topics, bodies and meetings as response dicts (no client data: pseudonyms of visible cases only)."""
from __future__ import annotations

from sqlalchemy import select

from engine.access.actor import Actor
from engine.access.service import in_scope
from engine.cases.models import Case
from engine.clock import BERLIN, utcnow
from engine.escalations import bodies, meetings, service
from engine.escalations.bodies import KINDS
from engine.escalations.models import Body, Meeting, Topic, TopicCase
from engine.escalations.steps import CATEGORIES, DECISIONS, LEVELS, OUTCOMES, STEPS
from engine.org.models import Municipality

STEP_NAMES = {
    "local_decision": "Beratung im örtlichen Gremium", "decision_paper": "Entscheidungsvorlage erstellen",
    "steering_decision": "Beratung in der Lenkungsgruppe", "working_group_result": "Ergebnis der Arbeitsgruppe einbringen",
    "steering_informed": "Lenkungsgruppe informieren", "forward_to_state": "An die Landesbehörde weiterleiten",
    "state_answer": "Antwort der Landesbehörde erfassen", "state_reminder": "Bei der Landesbehörde nachfassen",
}


class Names:
    """Municipality and body names, looked up once per response."""

    def __init__(self, session, tenant_id: int):
        self.places = dict(session.execute(select(Municipality.id, Municipality.name)
                                           .where(Municipality.tenant_id == tenant_id)).tuples().all())
        self.bodies = dict(session.execute(select(Body.id, Body.name).where(Body.tenant_id == tenant_id)).tuples().all())


def _cases(session, topic_ids: list[int], user: Actor) -> dict[int, tuple[list[dict], int]]:
    out: dict[int, tuple[list[dict], int]] = {i: ([], 0) for i in topic_ids}
    if not topic_ids:
        return out
    rows = session.execute(select(TopicCase.topic_id, Case.id, Case.pseudonym, Case.municipality_id, Case.team_id,
                                  Case.tenant_id).join(Case, Case.id == TopicCase.case_id)
                           .where(TopicCase.topic_id.in_(topic_ids)).order_by(TopicCase.id)).all()
    for topic_id, case_id, pseudonym, place, team, tenant in rows:
        visible, total = out[topic_id]
        if in_scope(user, place, team, tenant):
            visible.append({"case_id": case_id, "pseudonym": pseudonym})
        out[topic_id] = (visible, total + 1)
    return out


def topic_summaries(session, topics: list[Topic], user: Actor) -> list[dict]:
    names, now = Names(session, user.tenant_id), utcnow()
    linked = _cases(session, [t.id for t in topics], user)
    today = now.astimezone(BERLIN).date()
    out = []
    for t in topics:
        overdue = t.status == "open" and any(d is not None and d < now for d in (t.due_at, t.reminder_due_at)) \
            or t.waiting_step == "state_reminder"
        out.append({
            "id": t.id, "number": t.number, "title": t.title, "category": t.category,
            "category_label": CATEGORIES.get(t.category, t.category), "municipality": names.places.get(t.municipality_id, ""),
            "level": t.level, "level_label": LEVELS.get(t.level, t.level), "status": t.status, "outcome": t.outcome,
            "outcome_label": OUTCOMES.get(t.outcome or ""), "waiting_step": t.waiting_step,
            "waiting_step_name": STEP_NAMES.get(t.waiting_step or ""), "waiting_body": names.bodies.get(t.waiting_body_id),
            "working_group": names.bodies.get(t.working_group_id), "raised_at": t.raised_at,
            "age_days": (today - t.raised_at.astimezone(BERLIN).date()).days, "due_at": t.due_at,
            "reminder_due_at": t.reminder_due_at, "reminders": t.reminders or 0, "overdue": bool(overdue),
            "cases": linked[t.id][0], "linked_cases_total": linked[t.id][1],
        })
    return out


def topic_detail(session, topic: Topic, user: Actor) -> dict:
    out = topic_summaries(session, [topic], user)[0]
    names = Names(session, user.tenant_id)
    out.update({
        "description": topic.description, "recipient_authority": topic.recipient_authority,
        "state_reference": topic.state_reference, "forwarded_on": topic.forwarded_on,
        "answered_on": topic.answered_on, "closed_at": topic.closed_at,
        "trail": [{"id": e.id, "at": e.at, "username": e.username, "role": e.role, "level": e.level, "step": e.step,
                   "decision": e.decision, "decision_label": DECISIONS.get(e.decision, e.decision),
                   "decided_on": e.decided_on, "reason": e.reason, "body": names.bodies.get(e.body_id),
                   "meeting_id": e.meeting_id, "detail": e.detail} for e in service.trail(session, topic.id)],
        "agenda": [{"meeting_id": m.id, "body": names.bodies.get(m.body_id, ""), "meets_on": m.meets_on,
                    "position": i.position, "status": i.status} for i, m in service.agenda_entries(session, topic.id)],
    })
    return out


def body_out(session, body: Body, names: Names | None = None) -> dict:
    names = names or Names(session, body.tenant_id)
    return {"id": body.id, "key": body.key, "kind": body.kind, "kind_label": KINDS.get(body.kind, body.kind),
            "name": body.name, "municipality": names.places.get(body.municipality_id), "field": body.field,
            "description": body.description, "active": body.active,
            "members": [{"function": m.function, "organisation": m.organisation, "membership": m.membership,
                         "chair": m.chair} for m in bodies.members(session, body.id)]}


def meeting_out(session, meeting: Meeting, body: Body, names: Names) -> dict:
    items = meetings.agenda(session, meeting)
    if items:
        agenda = [(i.position, t, i.step, i.status) for i, t in items]
    elif meeting.status == meetings.PLANNED:
        agenda = [(n, t, t.waiting_step, "waiting") for n, t in enumerate(meetings.waiting_topics(session, meeting), 1)]
    else:
        agenda = []
    return {
        "id": meeting.id, "body_id": body.id, "body": body.name, "body_kind": body.kind, "meets_on": meeting.meets_on,
        "location": meeting.location, "status": meeting.status, "agenda_assembled": bool(items),
        "minutes_at": meeting.minutes_at, "minutes_note": meeting.minutes_note,
        "agenda": [{"position": pos, "topic_id": t.id, "number": t.number, "title": t.title, "category": t.category,
                    "municipality": names.places.get(t.municipality_id, ""), "step": step or "",
                    "step_name": STEP_NAMES.get(step or "", step or ""),
                    "kind": (STEPS[step].agenda if step in STEPS and STEPS[step].agenda else "decision"),
                    "status": status} for pos, t, step, status in agenda],
    }
