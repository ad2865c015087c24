"""engine/goals: rows from the goal agreement (after-step hook), checks before an evaluation completes,
the task form's per-case choices, the case page's fallback for cases from before goals had ids."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.access.actor import Actor
from engine.access.models import User
from engine.audit.models import AuditEntry
from engine.cases import read as case_read
from engine.cases.models import Case
from engine.errors import InvalidInput
from engine.goals import checks
from engine.goals.models import Goal
from engine.goals.read import form_choices
from engine.instances.models import HistoryEntry
from engine.processes.service import current_form
from engine.uow import begin
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case

THREE = [
    {"goal": "Eigene Wohnung", "life_area": "housing", "target_date": "2027-06-30"},
    {"goal": "Schulwechsel", "life_area": "education", "target_date": "2027-08-01"},
    {"goal": "Kita-Platz", "life_area": "childcare", "target_date": "2027-03-01"},
]


def actor(session, username: str) -> Actor:
    u = session.scalars(select(User).where(User.username == username)).one()
    return Actor(u.id, u.username, u.role, u.tenant_id, u.municipality_id, u.team_id, u.agency)


@pytest.fixture
def case_id(client, login):
    cm = login("cm-borchen")
    case = open_case(client, cm)
    for bpmn_id, data in [
        ("first_contact", d.FIRST_CONTACT),
        ("consent", d.CONSENT_YES),
        ("assessment", d.ASSESS_ACCOMPANY),
        ("goal_agreement", {**d.GOALS, "goals": THREE}),
    ]:
        complete(client, cm, case["id"], bpmn_id, data)
    return case["id"]


@pytest.fixture
def session(app, case_id):
    with app.extensions["kim"]["sessions"]() as s:
        begin(s, write=True)
        yield s
        s.rollback()


def _rows(session, case_id):
    return list(session.scalars(select(Goal).where(Goal.case_id == case_id).order_by(Goal.id)))


def test_the_agreement_makes_one_row_per_goal_with_its_task(session, case_id):
    rows = _rows(session, case_id)
    assert [(g.text, g.life_area, g.status, g.source) for g in rows] == [
        ("Eigene Wohnung", "housing", "open", "agreement"),
        ("Schulwechsel", "education", "open", "agreement"),
        ("Kita-Platz", "childcare", "open", "agreement"),
    ]
    agreement = session.scalars(select(HistoryEntry).where(HistoryEntry.bpmn_id == "goal_agreement")).one()
    assert {g.task_id for g in rows} == {agreement.task_id}
    assert all(str(g.agreed_on) == d.GOALS["agreement_date"] for g in rows)
    raw = session.connection().exec_driver_sql("SELECT text FROM goals").scalars().all()
    assert raw and not any("Wohnung" in t for t in raw)  # client text encrypted at rest


def test_the_evaluation_check_names_the_field_of_each_bad_pick(session, case_id):
    case = case_id
    ids = [g.id for g in _rows(session, case_id)]
    data = {
        **d.evaluation(True),
        "progress": [
            {"goal_id": ids[0], "status": "achieved"},
            {"goal_id": 424242, "status": "achieved"},
            {"goal_id": ids[0], "status": "achieved"},
            {"status": "achieved"},
        ],
    }
    with pytest.raises(InvalidInput) as caught:
        checks.before_completion(session, case=session.get(Case, case), form_key="evaluation", data=data)
    assert caught.value.errors == {
        "progress.1.goal_id": ["Dieses Ziel gibt es in diesem Fall nicht."],
        "progress.2.goal_id": ["Jedes Ziel nur einmal bewerten."],
        "progress.3.goal_id": ["Bitte ein Ziel aus der Liste wählen."],
    }
    fine = {**d.evaluation(True), "progress": [{"goal_id": i, "status": "in_progress"} for i in ids]}
    checks.before_completion(session, case=session.get(Case, case), form_key="evaluation", data=fine)
    checks.before_completion(session, case=None, form_key="evaluation", data=data)  # a test run: no case


def test_the_evaluation_form_offers_the_cases_goals_and_keeps_free_text_without_rows(session, case_id):
    schema = current_form(session, "evaluation", tenant_id=None).schema
    filled = form_choices(session, schema, case_id)
    item = filled["properties"]["progress"]["items"]
    assert item["properties"]["goal_id"]["enum"] == [g.id for g in _rows(session, case_id)]
    assert item["properties"]["goal_id"]["x-enum-titles"] == [
        "Eigene Wohnung (Wohnen)",
        "Schulwechsel (Bildung und Schule)",
        "Kita-Platz (Kinderbetreuung)",
    ]
    assert "goal" not in item["properties"]
    assert "enum" not in schema["properties"]["progress"]["items"]["properties"]["goal_id"]  # not changed
    for g in _rows(session, case_id):
        session.delete(g)
    session.flush()
    old = form_choices(session, schema, case_id)["properties"]["progress"]["items"]["properties"]
    assert "goal_id" not in old and "goal" in old  # a case from before goals had ids: free text


def test_the_agreement_form_offers_the_household(session, case_id):
    schema = form_choices(session, current_form(session, "goal_agreement", tenant_id=None).schema, case_id)
    members = schema["properties"]["goals"]["items"]["properties"]["member_ids"]
    assert members["items"]["x-enum-titles"] == ["Amina Haddad"] and len(members["items"]["enum"]) == 1


def test_a_case_without_goal_rows_shows_its_history_goals(session, case_id):
    for g in _rows(session, case_id):
        session.delete(g)
    session.flush()
    before = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    page = case_read.case_page(session, user=actor(session, "cm-borchen"), case_id=case_id)
    assert page.goal_section.goals == []
    assert [g.goal for g in page.goals] == ["Eigene Wohnung", "Schulwechsel", "Kita-Platz"]
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.id > before)).all()
    assert "goal.read" in actions
