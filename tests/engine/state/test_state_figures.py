"""The state's figures on a known data set: every county side by side equals the direct counts, the
state's own tenant and other school years never count, small counts are suppressed as in the county
figures, and only the state-level role in the state's tenant may read them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.access.actor import Actor
from engine.access.models import User
from engine.errors import Forbidden, InvalidInput
from engine.reports.figures import FIGURES, figures
from engine.state.figures import state_figures
from engine.state.setup import add_state_user, ensure_state_tenant
from engine.uow import begin
from tests import state_data
from tests.state_data import YEAR


@pytest.fixture
def sessions(app):
    return app.extensions["kim"]["sessions"]


@pytest.fixture
def world(sessions):
    return state_data.build(sessions)


def _actor(s, username: str) -> Actor:
    u = s.scalars(select(User).where(User.username == username)).one()
    return Actor(u.id, u.username, u.role, u.tenant_id, u.municipality_id, u.team_id, u.agency)


def _read(sessions, username=state_data.STATE_USER, year=YEAR, min_count=3) -> dict:
    with sessions() as s:
        begin(s, write=False)
        return state_figures(s, user=_actor(s, username), school_year=year, min_count=min_count)


def test_every_county_side_by_side_equals_the_direct_counts(sessions, world):
    fig = _read(sessions, min_count=1)  # nothing suppressed: the plain counts
    assert [r["tenant_key"] for r in fig["tenants"]] == ["hoexter", "paderborn"]  # by name, no "nrw"
    for row in fig["tenants"]:
        direct = state_data.counts(row["tenant_key"])
        for name, (kind, breakdown) in FIGURES.items():
            expected = sum(n for (k, _c), n in direct.items() if k == kind)
            assert row[name] == expected, (row["tenant_key"], name)
            if breakdown:
                assert row[breakdown] == {c: n for (k, c), n in direct.items() if k == kind}
    total = state_data.counts("paderborn") + state_data.counts("hoexter")
    assert fig["total"]["persons_supported"] == total[("persons_supported", None)] == 19  # not 50 more, not 9
    assert fig["total"]["referrals_by_agency"] == {"jobcenter": 7, "foreigners_authority": 2}


def test_a_countys_row_is_its_own_county_figures(sessions, world):
    """The same definitions as the per-county figures (engine/reports/figures.py), tenant by tenant."""
    fig = _read(sessions, min_count=1)
    with sessions() as s:
        begin(s, write=False)
        for row in fig["tenants"]:
            own = figures(s, tenant_id=world[row["tenant_key"]], school_year=YEAR, min_count=1)["totals"]
            assert {k: v for k, v in row.items() if k in own and k != "suppressed"} == {
                k: v for k, v in own.items() if k != "suppressed"
            }


def test_small_counts_are_suppressed_in_each_row_and_across_the_rows(sessions, world):
    fig = _read(sessions, min_count=3)
    hx, pb = fig["tenants"]
    # primary: Höxter's one CM case; secondary: Paderborn's 5, else 6 - 5 gives Höxter's away
    assert hx["cm_cases"] is None and pb["cm_cases"] is None
    assert {"cm_cases"} <= set(hx["suppressed"]) & set(pb["suppressed"])
    assert fig["total"]["cm_cases"] == 6
    assert pb["referrals_by_agency"]["foreigners_authority"] is None  # 2 < 3
    assert "referrals_by_agency.foreigners_authority" in pb["suppressed"]
    assert pb["referrals_by_agency"]["jobcenter"] == 4 and hx["referrals_by_agency"]["jobcenter"] == 3
    assert pb["persons_supported"] == 12 and hx["persons_supported"] == 7
    assert hx["topics_raised"] == 1  # topics are about structures, never suppressed
    assert fig["min_count"] == 3


def test_another_school_year_and_a_bad_one(sessions, world):
    fig = _read(sessions, year="2024/25", min_count=1)
    assert {r["tenant_key"]: r["persons_supported"] for r in fig["tenants"]} == {"hoexter": 0, "paderborn": 9}
    with pytest.raises(InvalidInput) as exc:
        _read(sessions, year="2025/27")
    assert "school_year" in exc.value.errors


@pytest.mark.parametrize("username", ["coordinator", "steering", "admin", "dpo", "cm-borchen"])
def test_county_roles_are_refused(sessions, world, username):
    with pytest.raises(Forbidden):
        _read(sessions, username=username)


def test_the_state_role_in_a_county_tenant_is_refused(sessions, world):
    with sessions() as s:
        begin(s, write=True)
        u = s.scalars(select(User).where(User.username == "steering")).one()
        u.role = "state"  # written behind the administration's back: still a county's account
        s.commit()
    with pytest.raises(Forbidden):
        _read(sessions, username="steering")


def test_setting_up_the_state_level_is_idempotent_and_validated(sessions, world):
    with sessions() as s:
        begin(s, write=True)
        tenant, created = ensure_state_tenant(s, key="nrw", name="Land NRW")
        assert (tenant.id, created, tenant.kind) == (world["nrw"], False, "state")
        _user, created = add_state_user(
            s, tenant_key="nrw", username=state_data.STATE_USER, display_name="Neu", password="x" * 12
        )
        assert not created
        with pytest.raises(InvalidInput) as exc:
            ensure_state_tenant(s, key="paderborn", name="Land")  # a county's key
        assert "key" in exc.value.errors
        with pytest.raises(InvalidInput) as exc:
            add_state_user(
                s, tenant_key="paderborn", username="coordinator", display_name="", password="kurz"
            )
        assert set(exc.value.errors) == {"tenant", "display_name", "password"}
        s.rollback()
