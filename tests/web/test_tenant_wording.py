"""A county's own words and features on its pages: Kreis Höxter, added beside Paderborn from its seed,
says "Lenkungsgremium" and "Cluster" and shows no UmA follow-ups; Paderborn's pages are unchanged."""

from __future__ import annotations

from engine.access.models import User
from engine.access.service import hash_password
from engine.clock import utcnow
from engine.config import PROJECT_ROOT
from engine.escalations.bodies import seed_bodies
from engine.org.models import Tenant
from engine.org.service import read_seed, seed_organisation
from engine.org.terms import tenant_terms
from engine.uow import begin

from .helpers import web_login

HOEXTER = PROJECT_ROOT / "engine" / "org" / "seed" / "kreis_hoexter.json"


def _add_hoexter(app, **accounts: str) -> None:
    """Höxter from its seed (no demo accounts: user names are still unique in the whole installation)
    and ``accounts`` (user name -> role) of its own."""
    seed = read_seed(HOEXTER)
    with app.extensions["kim"]["sessions"]() as s:
        begin(s, write=True)
        seed_organisation(s, seed, demo=False)
        seed_bodies(s, seed)
        tenant = s.query(Tenant).filter_by(key="hoexter").one()
        for username, role in accounts.items():
            s.add(
                User(
                    username=username,
                    display_name=f"{role} Höxter",
                    role=role,
                    tenant_id=tenant.id,
                    active=True,
                    created_at=utcnow(),
                    password_hash=hash_password("demo"),
                )
            )
        s.commit()
        terms = tenant_terms(s, tenant.id)
    assert (terms.steering_body, terms.region, terms.uma_team) == ("Lenkungsgremium", "Cluster", False)
    assert terms.meeting_rhythm_months["lenkungsgremium"] == 3
    assert terms.bodies_by_region["cluster-nord"] == ["rt-cluster-nord"]


def test_hoexter_s_dashboard_says_lenkungsgremium_and_has_no_uma_tile(app, client):
    _add_hoexter(app, **{"koordination-hx": "coordinator", "admin-hx": "admin"})
    web_login(client, "koordination-hx")
    page = client.get("/dashboard").text
    assert "Lenkungsgremium" in page and "Lenkungsgruppe" not in page
    assert "Nachverfolgungen fällig" not in page  # the UmA tile
    assert "Fällige Nachverfolgungen (UmA)" not in page  # its section
    assert 'href="/followups"' not in page  # nor the navigation entry
    topics = client.get("/topics").text
    assert "Lenkungsgruppe" not in topics
    admin = app.test_client()
    web_login(admin, "admin-hx")
    org = admin.get("/admin/organisation").text
    assert "Cluster und Gemeinden" in org and "Cluster Süd" in org and "Regionen" not in org


def test_paderborn_keeps_the_engine_s_words_and_its_uma_tile(app, client):
    _add_hoexter(app)
    web_login(client, "coordinator")
    page = client.get("/dashboard").text
    assert "Lenkungsgruppe" in page and "Lenkungsgremium" not in page
    assert "Nachverfolgungen fällig" in page and 'href="/followups"' in page
