"""A case's diagrams: each of its process instances drawn from the deployed version it runs on, with
the steps done (when, and by whom for those who may see names), the tasks open now and the timers
waiting. The same for an escalation topic's instance. Reads are recorded in the audit trail.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.models import User
from ..audit.service import Event, case_event, record
from ..db import begin_write
from ..escalations.access import load_topic
from ..instances.models import HistoryEntry, ProcessInstance
from ..processes.models import ProcessVersion
from ..tasks.models import READY, TaskRecord
from ..timers.models import WAITING, Timer
from ..vocabulary import label
from .access import diagram_case, shows_names


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


def _who(users: dict[int, tuple[str, str]], user_id: int | None, names: bool) -> str | None:
    if user_id is None or user_id not in users:
        return None
    display, role = users[user_id]
    return display if names else label("user.role", role)


def instance_view(session: Session, instance: ProcessInstance, names: bool) -> dict:
    """One instance on its version's diagram: done, open and waiting elements."""
    version = session.get(ProcessVersion, instance.process_version_id)
    assert version is not None
    done_rows = session.execute(
        select(
            HistoryEntry.bpmn_id, HistoryEntry.name, HistoryEntry.at, HistoryEntry.user_id, HistoryEntry.state
        )
        .where(HistoryEntry.instance_id == instance.id, HistoryEntry.bpmn_id.is_not(None))
        .order_by(HistoryEntry.at, HistoryEntry.id)
    ).all()
    user_ids = {r.user_id for r in done_rows if r.user_id}
    users = {
        uid: (display or username, role)
        for uid, display, username, role in session.execute(
            select(User.id, User.display_name, User.username, User.role).where(User.id.in_(user_ids))
        )
    }
    done: dict[str, dict] = {}
    for r in done_rows:
        entry = done.setdefault(r.bpmn_id, {"bpmn_id": r.bpmn_id, "name": r.name, "times": []})
        entry["times"].append(
            {"at": _iso(r.at), "by": _who(users, r.user_id, names), "cancelled": r.state == "cancelled"}
        )
    open_tasks = session.execute(
        select(TaskRecord.bpmn_id, TaskRecord.name, TaskRecord.due_at, TaskRecord.created_at).where(
            TaskRecord.instance_id == instance.id, TaskRecord.status == READY
        )
    ).all()
    timers = session.execute(
        select(Timer.bpmn_id, Timer.name, Timer.scheduled_for).where(
            Timer.instance_id == instance.id, Timer.status == WAITING
        )
    ).all()
    return {
        "instance_id": instance.id,
        "process_id": version.process_id,
        "process_name": version.name or version.process_id,
        "version": version.version,
        "status": instance.status,
        "xml": version.xml,
        "done": list(done.values()),
        "current": [
            {"bpmn_id": t.bpmn_id, "name": t.name, "since": _iso(t.created_at), "due": _iso(t.due_at)}
            for t in open_tasks
        ],
        "timers": [{"bpmn_id": t.bpmn_id, "name": t.name, "due": _iso(t.scheduled_for)} for t in timers],
    }


def case_diagrams(session: Session, *, user: Actor, case_id: int) -> dict:
    """Every instance of a case (lifecycle, follow-ups, referrals), newest process first."""
    begin_write(session)
    case = diagram_case(session, user, case_id)
    names = shows_names(user)
    record(session, user, case_event("case.diagram", case, detail={"personal_data": names}))
    instances = session.scalars(
        select(ProcessInstance).where(ProcessInstance.case_id == case.id).order_by(ProcessInstance.id)
    ).all()
    return {
        "case_id": case.id,
        "pseudonym": case.pseudonym,
        "instances": [instance_view(session, i, names) for i in instances],
    }


def topic_diagram(session: Session, *, user: Actor, topic_id: int) -> dict:
    """An escalation topic's instance on its diagram (topics carry no personal data)."""
    begin_write(session)
    topic = load_topic(session, user, topic_id)
    record(session, user, Event(action="topic.diagram", object_type="topic", object_id=topic.id))
    instance = session.get(ProcessInstance, topic.instance_id) if topic.instance_id else None
    return {
        "topic_id": topic.id,
        "instances": [instance_view(session, instance, False)] if instance else [],
    }
