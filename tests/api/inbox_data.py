"""Three Borchen cases with tasks in every inbox view, shared by the inbox's API and page tests.

- Aalto: first contact done; the consent task is held by cm-borchen, due after this week;
- Berger: the first contact is held by cm-borchen-2 (a colleague), due later this week;
- Cordes: the first contact nobody holds, overdue since yesterday.
Due times are set relative to now and this week's end, so the views never depend on the weekday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from engine.cases.models import Case
from engine.clock import utcnow
from engine.tasks.inbox import week_end
from engine.tasks.models import TaskRecord
from engine.uow import begin
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case, ready


@dataclass(frozen=True)
class Inbox:
    mine: str  # Aalto's consent task, held by cm-borchen
    colleague: str  # Berger's first contact, held by cm-borchen-2
    unassigned: str  # Cordes's first contact, overdue
    numbers: dict[str, str]  # family name -> case number
    pseudonyms: dict[str, str]


def _only(client, headers, case_id, bpmn_id) -> str:
    (task,) = [t["id"] for t in ready(client, headers, case_id) if t["bpmn_id"] == bpmn_id]
    return task


def three_cases(app, client, login) -> Inbox:
    cm = login("cm-borchen")
    cases = {name: open_case(client, cm, family_name=name) for name in ("Aalto", "Berger", "Cordes")}
    complete(client, cm, cases["Aalto"]["id"], "first_contact", d.FIRST_CONTACT)
    mine = _only(client, cm, cases["Aalto"]["id"], "consent")
    colleague = _only(client, cm, cases["Berger"]["id"], "first_contact")
    unassigned = _only(client, cm, cases["Cordes"]["id"], "first_contact")
    assert client.post(f"/api/v1/tasks/{mine}/claim", headers=cm).status_code == 200
    r = client.post(f"/api/v1/tasks/{colleague}/assign", json={"username": "cm-borchen-2"}, headers=cm)
    assert r.status_code == 200, r.json
    now = utcnow()
    end = week_end(now)
    with app.extensions["kim"]["sessions"]() as s:
        begin(s, write=True)
        s.get_one(TaskRecord, mine).due_at = end + timedelta(days=1)
        s.get_one(TaskRecord, colleague).due_at = now + (end - now) / 2
        s.get_one(TaskRecord, unassigned).due_at = now - timedelta(days=1)
        # Cordes's case has no case manager named yet (a team's intake): its task is nobody's.
        s.get_one(Case, cases["Cordes"]["id"]).case_manager_id = None
        s.commit()
        rows = s.execute(select(Case.family_name, Case.case_number, Case.pseudonym)).all()
    return Inbox(
        mine,
        colleague,
        unassigned,
        {name: number for name, number, _ in rows},
        {name: pseudonym for name, _, pseudonym in rows},
    )
