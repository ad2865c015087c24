"""The case read functions: pseudonymised roles get no client data at all; labels, not codes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.access.actor import Actor
from engine.access.models import User
from engine.cases import read
from engine.uow import begin
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case

CONSENT = {**d.CONSENT_YES, "confidentiality_release_agencies": ["youth_office", "foreigners_authority"]}
PERSONAL = ("Haddad", "Amina", "1990-04-02", "Arbeit und Wohnung", "Eigene Wohnung")


def actor(session, username: str) -> Actor:
    u = session.scalars(select(User).where(User.username == username)).one()
    return Actor(u.id, u.username, u.role, u.tenant_id, u.municipality_id, u.team_id, u.agency)


@pytest.fixture
def case_id(client, login):
    """A Borchen case up to its goal agreement: history with form data, consents and releases."""
    cm = login("cm-borchen")
    case = open_case(client, cm)
    for bpmn_id, data in [
        ("first_contact", d.FIRST_CONTACT),
        ("consent", CONSENT),
        ("assessment", d.ASSESS_ACCOMPANY),
        ("goal_agreement", d.GOALS),
    ]:
        complete(client, cm, case["id"], bpmn_id, data)
    return case["id"]


@pytest.fixture
def session(app, case_id):  # after the case: the unit holds the write lock
    """A writing unit of work, as a request opens one (rolled back at the end)."""
    with app.extensions["kim"]["sessions"]() as s:
        begin(s, write=True)
        yield s
        s.rollback()


@pytest.mark.parametrize("username", ["coordinator", "steering", "dpo"])
def test_pseudonymised_roles_get_no_client_data(session, case_id, username):
    user = actor(session, username)
    listed = read.case_list(session, user=user, q=None)
    detail = read.case_detail(session, user=user, case_id=case_id)
    history = read.case_history(session, user=user, case_id=case_id)
    page = read.case_page(session, user=user, case_id=case_id)
    assert not listed.personal and not page.personal
    mine = [c for c in listed.items if c.id == case_id]
    assert mine and all(c.given_name is None and c.family_name is None and c.client is None for c in mine)
    for summary in (detail.case, page.case):
        assert summary.given_name is None and summary.family_name is None and summary.client is None
    assert detail.history and all(h.data is None for h in detail.history + history.items + page.timeline)
    assert page.goals == [] and [g.text for g in page.goal_section.goals] == [None]
    assert [g.life_area_label for g in page.goal_section.goals] == ["Wohnen"]
    shown = repr((mine, detail, history, page))
    assert not [p for p in PERSONAL if p in shown]


def test_the_case_manager_gets_client_data_form_data_and_goals(session, case_id):
    user = actor(session, "cm-borchen")
    page = read.case_page(session, user=user, case_id=case_id)
    assert (
        page.personal and page.case.family_name == "Haddad" and page.case.client["birth_date"] == "1990-04-02"
    )
    first = next(e for e in page.timeline if e.bpmn_id == "first_contact")
    assert first.data["concerns"] == "Arbeit und Wohnung" and first.who != "System"
    # the goal agreement's goal as a row with its id (engine/goals); no history-derived fallback then
    assert [(g.text, g.status_label) for g in page.goal_section.goals] == [
        ("Eigene Wohnung", "noch nicht bewertet")
    ]
    assert page.goals == []


def test_the_case_page_carries_labels_not_codes(session, case_id):
    page = read.case_page(session, user=actor(session, "coordinator"), case_id=case_id)
    assert page.case.status_label == "offen" and page.case.route_label == "Prozessbegleitung"
    assert {(c.kind_label, c.agency_label) for c in page.consents} == {
        ("Einwilligung in die Datenverarbeitung", ""),
        ("Schweigepflichtentbindung", "Jugendamt (SGB VIII)"),
        ("Schweigepflichtentbindung", "Ausländerbehörde"),
    }
    assert {e.state_label for e in page.timeline} <= {"erledigt", "begonnen", "abgebrochen", "eingetreten"}


def test_the_case_page_records_case_consents_and_history(session, case_id):
    from engine.audit.models import AuditEntry

    before = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    read.case_page(session, user=actor(session, "coordinator"), case_id=case_id)
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.id > before).order_by(AuditEntry.id)
    ).all()
    assert actions == ["case.read", "consent.read", "case.history", "goal.read"]
