"""`kim tenant add` and `kim tenant list`: a county from its seed file beside the others, idempotent; a
broken seed names every error at its JSON path and creates nothing; `kim report` without KIM_TENANT."""

from __future__ import annotations

import json
import subprocess

import pytest

from engine.config import PROJECT_ROOT
from tests.conftest import BIN

# Each test runs `kim` a few times as a subprocess
pytestmark = pytest.mark.slow

HOEXTER = PROJECT_ROOT / "engine" / "org" / "seed" / "kreis_hoexter.json"
TABLES = ("tenants", "regions", "municipalities", "teams", "bodies", "body_members", "agencies", "users")


def _kim(db, *args, **env):
    full = {k: v for k, v in db.env(**{"KIM_DEMO": "0", **env}).items() if k != "KIM_TENANT"}
    return subprocess.run(
        [str(BIN / "kim"), *args], env=full, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )


def _add_seed(db, path, seed: dict):
    """`kim tenant add` of ``seed`` written to ``path``."""
    path.write_text(json.dumps(seed), encoding="utf-8")
    return _kim(db, "tenant", "add", str(path))


def _snapshot(db) -> dict[str, list[tuple]]:
    """Every row of the organisation's tables (a re-run that changes nothing leaves them equal)."""
    return {t: sorted(db.rows(f"SELECT * FROM {t}"), key=repr) for t in TABLES}


def _count(db, table: str, tenant: str) -> int:
    return db.rows(
        f"SELECT count(*) FROM {table} x JOIN tenants t ON t.id = x.tenant_id WHERE t.key = :k", k=tenant
    )[0][0]


def test_a_broken_seed_names_every_error_and_creates_nothing(db, tmp_path):
    before = _snapshot(db)
    seed = json.loads(HOEXTER.read_text(encoding="utf-8"))
    seed["municipalities"][3]["region"] = "region-9"
    seed["tenant"]["case_prefix"] = "hx"
    seed["bodies"][2]["municipality"] = "nirgendwo"
    del seed["regions"][0]["name"]
    out = _add_seed(db, tmp_path / "broken.json", seed)
    assert out.returncode == 1
    assert out.stderr.splitlines() == [
        "Die Seed-Datei hat 4 Fehler.",
        "  tenant.case_prefix: ungültiges Format 'hx' (1 bis 10 Großbuchstaben, z. B. 'HX')",
        "  regions[0].name: Pflichtfeld fehlt",
        "  municipalities[3].region: unbekannte Region 'region-9'",
        "  bodies[2].municipality: unbekannte Gemeinde 'nirgendwo'",
    ]
    (tmp_path / "no.json").write_text("{\n  tenant: 1\n}", encoding="utf-8")
    no_json = _kim(db, "tenant", "add", str(tmp_path / "no.json"))
    assert no_json.returncode == 1 and "(Datei): Zeile 2, Spalte 3" in no_json.stderr
    assert _snapshot(db) == before


def test_a_prefix_another_county_has_is_refused(db, tmp_path):
    before = _snapshot(db)
    seed = json.loads(HOEXTER.read_text(encoding="utf-8"))
    taken = db.rows("SELECT case_prefix, name FROM tenants WHERE key = 'paderborn'")[0]
    seed["tenant"]["case_prefix"] = taken[0]
    out = _add_seed(db, tmp_path / "clash.json", seed)
    assert out.returncode == 1
    assert out.stderr.splitlines() == [
        "Die Seed-Datei hat 1 Fehler.",
        f"  tenant.case_prefix: Das Aktenzeichen-Präfix '{taken[0]}' hat schon '{taken[1]}' (paderborn); "
        "bitte ein anderes wählen, sonst wären Aktenzeichen doppelt",
    ]
    assert _snapshot(db) == before
    # the county's own prefix again (a re-run of its seed) is no clash
    assert _kim(db, "tenant", "add", str(HOEXTER)).returncode == 0
    assert _kim(db, "tenant", "add", str(HOEXTER)).returncode == 0


def test_hoexter_beside_paderborn_idempotent_and_renamed(db, tmp_path):
    first = _kim(db, "tenant", "add", str(HOEXTER))
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Kreis hoexter (Kreis Höxter) geladen: 10 Gemeinden, 4 Regionen")
    hx = db.rows("SELECT id FROM tenants WHERE key = 'hoexter'")[0][0]
    places = db.rows(
        "SELECT m.name, r.name, m.population FROM municipalities m JOIN regions r ON r.id = m.region_id "
        "WHERE m.tenant_id = :t ORDER BY m.name",
        t=hx,
    )
    assert [p[0] for p in places] == [
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
    ]
    assert {p[1] for p in places} == {"Cluster Nord", "Cluster Weser", "Cluster Mitte", "Cluster Süd"}
    assert all(p[2] > 0 for p in places)
    bodies = db.rows("SELECT kind, name FROM bodies WHERE tenant_id = :t ORDER BY kind, name", t=hx)
    assert len(bodies) == 5 and bodies[0] == ("local", "Runder Tisch Integration Cluster Mitte")
    assert bodies[-1] == ("steering", "Lenkungsgremium KIM")
    assert (_count(db, "municipalities", "paderborn"), _count(db, "bodies", "paderborn")) == (10, 10)
    raw = db.rows("SELECT terms FROM tenants WHERE id = :t", t=hx)[0][0]
    terms = json.loads(raw) if isinstance(raw, str) else raw
    assert (terms["steering_body"], terms["region"], terms["uma_team"]) == (
        "Lenkungsgremium",
        "Cluster",
        False,
    )
    assert terms["bodies"]["lenkungsgremium"] == {"rhythm_months": 3}
    assert terms["bodies"]["rt-cluster-sued"] == {"rhythm_months": 3, "region": "cluster-sued"}

    loaded = _snapshot(db)
    again = _kim(db, "tenant", "add", str(HOEXTER))
    assert again.returncode == 0 and "0 neue Gremien, 0 neue Konten" in again.stdout
    assert _snapshot(db) == loaded  # the same seed twice changes nothing

    seed = json.loads(HOEXTER.read_text(encoding="utf-8"))
    seed["tenant"]["name"] = "Kreis Höxter (KIM)"
    assert _add_seed(db, tmp_path / "renamed.json", seed).returncode == 0
    assert db.rows("SELECT name FROM tenants WHERE key = 'hoexter'") == [("Kreis Höxter (KIM)",)]
    assert db.rows("SELECT count(*) FROM tenants") == [(2,)]

    assert _kim(db, "tenant", "list").stdout.splitlines() == [
        "hoexter\tKreis Höxter (KIM)\tHX\t10 Gemeinden\t4 Regionen",
        "paderborn\tKreis Paderborn\tPB\t10 Gemeinden\t4 Regionen",
    ]
    # two counties: `kim report` asks which one, listing the keys
    report = _kim(db, "report", "--school-year", "2025/26")
    assert report.returncode == 1
    assert "Es gibt mehrere Kreise; bitte mit --county einen wählen: hoexter, paderborn." in report.stderr
    hx_report = _kim(db, "report", "--school-year", "2025/26", "--county", "hoexter")
    assert {r["municipality"] for r in json.loads(hx_report.stdout)["by_municipality"]} >= {
        "Höxter",
        "Warburg",
    }


def test_report_without_kim_tenant_in_a_one_county_installation(db):
    out = _kim(db, "report", "--school-year", "2025/26")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["school_year"] == "2025/26"
