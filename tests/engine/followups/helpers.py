"""Driving the UmA follow-up over the API with time travel, and reading what the database holds."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from engine import clock
from engine.followups.models import FollowUp
from engine.instances.models import HistoryEntry, ProcessInstance
from engine.tasks.models import TaskRecord
from engine.timers.jobs import run_due
from engine.timers.models import Timer
from engine.timers.policy import TimerPolicy
from tests.api.helpers import complete, ready

FOLLOW_UP_TASKS = {"coordination_talk", "job_start", "checkin", "six_month_followup", "reengage"}


def travel(day: str, hour: int = 9) -> None:
    """The clock moves to ``day`` at ``hour`` o'clock in Berlin."""
    clock.travel_to(datetime.fromisoformat(day).replace(hour=hour, tzinfo=clock.BERLIN).astimezone(UTC))


def fire(app):
    """The scheduler fires whatever is due now."""
    return run_due(app.extensions["kim"]["sessions"], owner="test", policy=TimerPolicy())


def followup_tasks(client, headers, case_id):
    return [t for t in ready(client, headers, case_id) if t["bpmn_id"] in FOLLOW_UP_TASKS]


def start_job(client, headers, case_id, start_date: str, talk_date: str | None = None) -> dict:
    """Start the follow-up and record the coordination talk and the job start (``start_date``)."""
    r = client.post(f"/api/v1/cases/{case_id}/followups", headers=headers)
    assert r.status_code == 201, r.json
    complete(
        client,
        headers,
        case_id,
        "coordination_talk",
        {
            "talk_date": talk_date or start_date,
            "responsible": "joint",
            "responsible_person": "Frau Berger (UmA-Hilfe)",
        },
    )
    complete(
        client,
        headers,
        case_id,
        "job_start",
        {"placement_kind": "training", "employer": "Tischlerei Müller", "start_date": start_date},
    )
    return r.json


def checkin(client, headers, case_id, day: str, status: str = "stable"):
    return complete(client, headers, case_id, "checkin", {"contact_date": day, "status": status})


def stored(app, case_id: int) -> dict:
    """What the database holds about the case's follow-ups: rows, instances, tasks, timers, history."""
    with app.extensions["kim"]["sessions"]() as s:
        instances = s.scalars(
            select(ProcessInstance).where(
                ProcessInstance.case_id == case_id, ProcessInstance.process_id == "uma_job_followup"
            )
        ).all()
        ids = [i.id for i in instances]
        return {
            "instances": {i.id: i.status for i in instances},
            "rows": s.scalars(select(FollowUp).where(FollowUp.case_id == case_id)).all(),
            "tasks": s.execute(
                select(TaskRecord.bpmn_id, TaskRecord.status, TaskRecord.name, TaskRecord.instance_id).where(
                    TaskRecord.instance_id.in_(ids)
                )
            ).all(),
            "timers": s.scalars(select(Timer.bpmn_id).where(Timer.instance_id.in_(ids))).all(),
            "history": s.execute(
                select(HistoryEntry.bpmn_id, HistoryEntry.state, HistoryEntry.instance_id).where(
                    HistoryEntry.instance_id.in_(ids)
                )
            ).all(),
        }
