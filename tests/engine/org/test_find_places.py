"""A municipality or team by its key or its name, whatever the case; a key wins over another's name."""

from __future__ import annotations

import pytest

from engine.errors import InvalidInput
from engine.org.models import Municipality, Team, Tenant
from engine.org.service import find_municipality, find_team
from engine.uow import begin


@pytest.fixture
def session(app):
    with app.extensions["kim"]["sessions"]() as s:
        begin(s, write=True)
        yield s
        s.rollback()


@pytest.fixture
def tenant_id(session) -> int:
    return session.query(Tenant).filter_by(key="paderborn").one().id


@pytest.mark.parametrize("typed", ["borchen", "Borchen", "  BORCHEN ", "borchen\t"])
def test_a_municipality_by_key_or_name(session, tenant_id, typed):
    assert find_municipality(session, tenant_id, typed).key == "borchen"


def test_a_name_that_is_no_key_is_found_by_name(session, tenant_id):
    place = session.query(Municipality).filter_by(tenant_id=tenant_id, key="bad-lippspringe").one()
    assert find_municipality(session, tenant_id, place.name.upper()).id == place.id


def test_a_key_with_capitals_is_found_without_regard_to_case(session, tenant_id):
    place = session.query(Municipality).filter_by(tenant_id=tenant_id, key="borchen").one()
    place.key = "BoRchen"
    session.flush()
    assert find_municipality(session, tenant_id, "borchen").id == place.id


def test_a_key_wins_over_another_municipality_s_name(session, tenant_id):
    borchen = session.query(Municipality).filter_by(tenant_id=tenant_id, key="borchen").one()
    other = (
        session.query(Municipality)
        .filter(Municipality.tenant_id == tenant_id, Municipality.id < borchen.id)
        .first()
    )
    assert other is not None  # a row the scan would reach first
    other.name = "Borchen"
    session.flush()
    assert find_municipality(session, tenant_id, "BORCHEN").id == borchen.id


def test_an_unknown_municipality_is_refused_in_german(session, tenant_id):
    with pytest.raises(InvalidInput) as refused:
        find_municipality(session, tenant_id, "Atlantis")
    assert "Atlantis" in str(refused.value.errors["municipality"])


def test_another_county_s_municipality_is_not_found(session, tenant_id):
    other = Tenant(key="zweiter-kreis", name="Zweiter Kreis", case_prefix="ZK")
    session.add(other)
    session.flush()
    session.add(Municipality(tenant_id=other.id, key="fremdort", name="Fremdort"))
    session.flush()
    with pytest.raises(InvalidInput):
        find_municipality(session, tenant_id, "fremdort")


def test_a_team_by_key_or_name(session, tenant_id):
    team = session.query(Team).filter_by(tenant_id=tenant_id).first()
    assert team is not None
    assert find_team(session, tenant_id, team.key.upper()).id == team.id
    assert find_team(session, tenant_id, f" {team.name.lower()} ").id == team.id
