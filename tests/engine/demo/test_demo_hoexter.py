"""`kim generate-demo --county hoexter`: a county added from its seed gets demo cases in its own
municipalities only, spread by the seed's populations, with its own accounts, bodies and meeting place."""

from __future__ import annotations

import subprocess

import pytest

from engine.config import PROJECT_ROOT
from tests.conftest import BIN

# Builds a small demo county through the services (half a minute)
pytestmark = pytest.mark.slow

HOEXTER = PROJECT_ROOT / "engine" / "org" / "seed" / "kreis_hoexter.json"


def _kim(db, *args):
    env = {k: v for k, v in db.env(KIM_DEMO="0").items() if k != "KIM_TENANT"}
    return subprocess.run(
        [str(BIN / "kim"), *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )


def test_generate_demo_for_hoexter_fills_hoexter_only(db):
    assert _kim(db, "tenant", "add", str(HOEXTER)).returncode == 0
    refused = _kim(db, "generate-demo", "--scale", "0.03")
    assert refused.returncode == 1
    assert "Es gibt mehrere Kreise; bitte mit --county einen wählen: hoexter, paderborn." in refused.stderr
    out = _kim(db, "generate-demo", "--county", "hoexter", "--scale", "0.03", "--from-year", "2025")
    assert out.returncode == 0 and "Demo erzeugt" in out.stdout, out.stderr

    rows = db.rows(
        "SELECT t.key, m.tenant_id = c.tenant_id, m.name, c.case_number, u.tenant_id = c.tenant_id "
        "FROM cases c JOIN tenants t ON t.id = c.tenant_id JOIN municipalities m ON m.id = c.municipality_id "
        "JOIN users u ON u.id = c.case_manager_id"
    )
    assert rows and {r[0] for r in rows} == {"hoexter"}  # no Paderborn case
    assert all(r[1] and r[4] for r in rows)  # Höxter's towns, Höxter's case managers
    assert all(r[3].startswith("HX-") for r in rows)
    places = {r[2] for r in rows}
    assert len(places) >= 3 and places <= {
        "Bad Driburg",
        "Beverungen",
        "Borgentreich",
        "Brakel",
        "Höxter",
        "Marienmünster",
        "Nieheim",
        "Steinheim",
        "Warburg",
        "Willebadessen",
    }
    # the accounts the demo acts with belong to Höxter (a name Paderborn has gets Höxter's key)
    coordinators = db.rows(
        "SELECT u.username FROM users u JOIN tenants t ON t.id = u.tenant_id "
        "WHERE t.key = 'hoexter' AND u.role = 'coordinator'"
    )
    assert coordinators == [("coordinator",)]  # user names are per county: Paderborn's stays its own
    assert db.rows("SELECT count(*) FROM users WHERE username = 'cm-hoexter-1'") == [(1,)]  # 2 CM posts
    # the steering body meets in the seed's meeting place, every 3 months as the seed says
    held = db.rows(
        "SELECT b.name, mt.location FROM meetings mt JOIN bodies b ON b.id = mt.body_id "
        "JOIN tenants t ON t.id = b.tenant_id WHERE t.key = 'hoexter' AND b.kind = 'steering'"
    )
    assert set(held) == {("Lenkungsgremium KIM", "Kreishaus Höxter")}
    assert len(held) >= 5  # quarterly since September 2025 (twice a year would be 3 by now)
    assert db.rows(
        "SELECT count(*) FROM topics tp JOIN tenants t ON t.id = tp.tenant_id WHERE t.key = 'paderborn'"
    ) == [(0,)]
