"""engine/demo/offers.py: the demo's invented directory goes through the directory's service (versions,
search tags) and its gaps sit beside the assessments' needs, by pseudonym only."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.access.actor import Actor
from engine.access.models import User
from engine.demo import offers as demo
from engine.offers.models import Offer, OfferGap, OfferNeed, OfferTag, OfferVersion
from engine.offers.read import Query, search
from engine.uow import unit_of_work
from tests.api.helpers import open_case, run_to_evaluation


def test_the_demo_directory_and_gaps(app, client, login):
    cm = login("cm-borchen")
    for _ in range(8):
        run_to_evaluation(client, cm, open_case(client, cm)["id"])  # needs: housing, childcare
    factory = app.extensions["kim"]["sessions"]
    with unit_of_work(factory, write=False) as s:
        u = s.scalars(select(User).where(User.username == "coordinator")).one()
        coord = Actor(u.id, u.username, u.role, u.tenant_id, u.municipality_id, u.team_id)
    offers, gaps = demo.fill(factory, tenant_id=coord.tenant_id, coordinator=coord, seed=3)
    with unit_of_work(factory, write=False) as s:
        count = lambda model: s.scalar(select(func.count()).select_from(model))  # noqa: E731
        assert count(Offer) == offers >= len(demo.COUNTY) + 3 * 10
        assert count(OfferVersion) == offers and count(OfferTag) > offers
        assert count(OfferGap) == gaps <= count(OfferNeed) == 16
        assert all(g.pseudonym and g.reason for g in s.scalars(select(OfferGap)))
        found = search(
            s, user=coord, query=Query(life_area="language", language="ara", municipality="borchen")
        )
        assert found.total >= 1 and found.items[0].score >= 1
        assert any(o.needs_review for o in search(s, user=coord, query=Query(limit=200)).items)
