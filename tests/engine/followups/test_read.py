"""The follow-up views: the client's name and case number only for who sees personal data."""

from __future__ import annotations

from sqlalchemy import select

from engine.followups import read
from engine.followups.models import FollowUp
from tests.api.helpers import give_consent, open_case
from tests.engine.cases.test_read import actor


def test_a_follow_up_names_the_client_only_for_the_case_manager(app, client, login):
    uma = login("cm-uma")
    case = open_case(client, uma, municipality="Delbrück")
    give_consent(client, uma, case["id"])
    assert client.post(f"/api/v1/cases/{case['id']}/followups", headers=uma).status_code == 201
    with app.extensions["kim"]["sessions"]() as session:
        started = session.scalars(select(FollowUp).where(FollowUp.case_id == case["id"])).one()
        cm_view = read.started(session, user=actor(session, "cm-uma"), followup=started)
        coord_view = read.started(session, user=actor(session, "coordinator"), followup=started)
    assert cm_view.client_name == "Amina Haddad" and cm_view.case_number is not None
    assert coord_view.client_name is None and coord_view.case_number is None
    assert coord_view.state_label == "in Planung" and coord_view.pseudonym == case["pseudonym"]
