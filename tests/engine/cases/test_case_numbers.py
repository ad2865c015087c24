"""Case numbers per county and year: ``HX-2026-000001``, gap-free under concurrency, restarting each year.

Kreis Höxter (tests/county_seed.py) joins the seeded Paderborn database with no cases yet, so its
numbers start at 1. Openings run through the real service, each in a unit of work of its own.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine import clock
from engine.access.actor import Actor
from engine.access.models import User
from engine.cases.models import Case
from engine.cases.numbers import CaseCounter
from engine.cases.service import open_case
from engine.org.models import Tenant
from engine.uow import unit_of_work
from tests.county_seed import add_hoexter

CLIENT = {"given_name": "Amina", "family_name": "Haddad"}


@pytest.fixture
def hoexter(app, tmp_path):
    """Kreis Höxter in the database, and the sessions of the app."""
    add_hoexter(app, tmp_path)
    yield app.extensions["kim"]["sessions"]
    clock.reset()


def _case_manager(sessions, tenant_key: str) -> Actor:
    with sessions() as s:
        u = s.scalars(
            select(User)
            .join(Tenant, Tenant.id == User.tenant_id)
            .where(Tenant.key == tenant_key, User.username == "cm-borchen")
        ).one()
        return Actor(u.id, u.username, u.role, u.tenant_id, u.municipality_id, u.team_id)


def _open(sessions, actor: Actor, place: str = "brakel") -> str:
    with unit_of_work(sessions) as s:
        return open_case(s, user=actor, municipality=place, client=CLIENT).case_number


def _numbers(sessions, tenant_id: int) -> list[str]:
    with sessions() as s:
        return sorted(s.scalars(select(Case.case_number).where(Case.tenant_id == tenant_id)))


def test_eight_concurrent_openings_get_the_numbers_one_to_eight(hoexter):
    actor = _case_manager(hoexter, "hoexter")
    year = clock.utcnow().astimezone(clock.BERLIN).year
    start = threading.Barrier(8)
    got: list[str] = []
    errors: list[BaseException] = []

    def open_one():
        try:
            start.wait(timeout=30)
            got.append(_open(hoexter, actor))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    expected = [f"HX-{year}-{n:06d}" for n in range(1, 9)]
    assert sorted(got) == expected
    assert _numbers(hoexter, actor.tenant_id) == expected
    with hoexter() as s:
        assert s.get(CaseCounter, (actor.tenant_id, year)).last_number == 8


def test_a_rolled_back_opening_leaves_no_gap(hoexter):
    actor = _case_manager(hoexter, "hoexter")
    year = clock.utcnow().astimezone(clock.BERLIN).year
    assert _open(hoexter, actor) == f"HX-{year}-000001"
    with pytest.raises(RuntimeError), unit_of_work(hoexter) as s:
        assert open_case(s, user=actor, municipality="brakel", client=CLIENT).case_number.endswith("-000002")
        raise RuntimeError("the request failed after the case was opened")
    assert _open(hoexter, actor) == f"HX-{year}-000002"
    assert _numbers(hoexter, actor.tenant_id) == [f"HX-{year}-000001", f"HX-{year}-000002"]


def test_each_county_counts_on_its_own_and_a_new_year_starts_at_one(hoexter):
    hx, pb = _case_manager(hoexter, "hoexter"), _case_manager(hoexter, "paderborn")
    clock.travel_to(datetime(2031, 12, 31, 22, 0, tzinfo=UTC))  # 23:00 in Berlin: still 2031
    assert _open(hoexter, hx) == "HX-2031-000001"
    assert _open(hoexter, pb, "borchen") == "PB-2031-000001"
    assert _open(hoexter, hx) == "HX-2031-000002"
    clock.travel_to(datetime(2031, 12, 31, 23, 30, tzinfo=UTC))  # 00:30 on New Year's Day in Berlin
    assert _open(hoexter, hx) == "HX-2032-000001"
    assert _open(hoexter, pb, "borchen") == "PB-2032-000001"
