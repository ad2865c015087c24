"""A second county in the test database: Kreis Höxter with user names Paderborn has too."""

from __future__ import annotations

import json
from pathlib import Path

from engine.org.service import seed_organisation
from engine.uow import begin

HX_PASSWORD = "hoexter-geheim"

SEED = {
    "tenant": {"key": "hoexter", "name": "Kreis Höxter", "case_prefix": "HX"},
    "regions": [{"key": "nord", "name": "Region Nord"}],
    "municipalities": [{"key": "brakel", "name": "Brakel", "region": "nord"}],
    "teams": [],
    "demo_accounts": [
        # the same user names as Paderborn's demo accounts, other people
        {
            "username": "coordinator",
            "password": HX_PASSWORD,
            "display_name": "Koordination Höxter",
            "role": "coordinator",
        },
        {
            "username": "cm-borchen",
            "password": HX_PASSWORD,
            "display_name": "Case-Managerin Brakel",
            "role": "case_manager",
            "municipality": "brakel",
        },
        {
            "username": "admin",
            "password": HX_PASSWORD,
            "display_name": "Administration Höxter",
            "role": "admin",
        },
    ],
}


def add_hoexter(app, folder: Path) -> None:
    """Seed Kreis Höxter (with its demo accounts) into the app's database."""
    seed_hoexter(app.extensions["kim"]["sessions"], folder)


def seed_hoexter(sessions, folder: Path) -> None:
    """Seed Kreis Höxter (with its demo accounts) through ``sessions`` (a session factory)."""
    path = folder / "kreis_hoexter.json"
    path.write_text(json.dumps(SEED), encoding="utf-8")
    with sessions() as s:
        begin(s, write=True)
        seed_organisation(s, path, demo=True)
        s.commit()
