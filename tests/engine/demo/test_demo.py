"""`kim generate-demo` builds the county through the services; `kim report` prints its figures."""

import json
import subprocess

import pytest

from engine.config import PROJECT_ROOT
from tests.conftest import BIN

# Builds whole demo counties through `kim generate-demo` (a minute and more)
pytestmark = pytest.mark.slow


def _kim(db, *args, check=True):
    return subprocess.run(
        [str(BIN / "kim"), *args], env=db.env(), cwd=PROJECT_ROOT, capture_output=True, text=True, check=check
    )


def test_small_demo_county_and_its_report(db):
    out = _kim(db, "generate-demo", "--county", "paderborn", "--scale", "0.05", "--from-year", "2023")
    assert "Demo erzeugt" in out.stdout, out.stderr
    report = json.loads(_kim(db, "report", "--school-year", "2023/24", "--format", "json").stdout)
    # The plan scales the annual report's 930 persons and 364 CM cases (2023/24) down to 5 %.
    assert report["totals"]["persons_supported"] == round(930 * 0.05)
    assert report["totals"]["cm_cases"] == round(364 * 0.05)
    assert {r["municipality"] for r in report["by_municipality"]} >= {"Paderborn", "Borchen", "Delbrück"}
    assert report["totals"]["topics_raised"] >= 1
    # Everything went through the services: instances, history, audit trail, projections.
    counts = dict(db.rows("SELECT process_id, count(*) FROM process_instances GROUP BY process_id"))
    assert counts.get("escalation", 0) >= 1
    # Persons are household members (1 to 7 per case, mostly 1 to 4), each counted once.
    assert db.rows(
        "SELECT count(DISTINCT member_id) FROM programme_events "
        "WHERE kind = 'persons_supported' AND school_year = '2023/24'"
    ) == [(report["totals"]["persons_supported"],)]
    sizes = [n for (n,) in db.rows("SELECT count(*) FROM household_members GROUP BY case_id")]
    assert max(sizes) <= 7 and any(n >= 3 for n in sizes) and sum(n <= 4 for n in sizes) > 0.8 * len(sizes)
    assert counts["case_lifecycle"] == len(sizes) < sum(sizes)
    assert (
        db.rows(
            "SELECT count(*) FROM household_members WHERE residence_status IN ('duldung', 'gestattung') "
            "AND residence_valid_until IS NOT NULL"
        )[0][0]
        >= 1
    )
    assert db.rows("SELECT count(*) FROM audit_log WHERE action = 'case.create'") == [
        (counts["case_lifecycle"],)
    ]
    assert db.rows("SELECT count(*) FROM meetings WHERE status = 'held'")[0][0] >= 1
    # the offers directory (invented providers) and gaps beside the assessments' needs
    assert db.rows("SELECT count(*) FROM offers WHERE municipality_id IS NULL")[0][0] >= 10
    assert db.rows("SELECT count(DISTINCT municipality_id) FROM offers")[0][0] >= 10
    assert (
        db.rows("SELECT count(*) FROM offer_versions")[0][0] == db.rows("SELECT count(*) FROM offers")[0][0]
    )
    assert (
        1
        <= db.rows("SELECT count(*) FROM offer_gaps")[0][0]
        < db.rows("SELECT count(*) FROM offer_needs")[0][0]
    )
    # The agencies answered referrals (engine/demo/referrals.py): the overview per agency has figures.
    answered = dict(
        db.rows(
            "SELECT agency, count(*) FROM referrals WHERE instance_id IS NOT NULL AND answered_at IS NOT NULL"
            " AND status IN ('answered', 'declined') GROUP BY agency"
        )
    )
    assert set(answered) >= {"foreigners_authority", "jobcenter"} and sum(answered.values()) >= 5, answered
    assert db.rows("SELECT count(*) FROM referrals WHERE check_result IS NOT NULL")[0][0] >= 1
    # Baustein 3: checks of the Ausländerbehörde, finished ones answered their referral
    assert db.rows("SELECT count(*) FROM checks WHERE status = 'finished'")[0][0] >= 1
    assert db.rows(
        "SELECT count(*) FROM checks JOIN referrals ON referrals.id = checks.referral_id "
        "WHERE checks.status = 'finished' AND referrals.answered_at IS NULL"
    ) == [(0,)]
    again = _kim(db, "generate-demo", check=False)
    assert again.returncode == 1 and "bereits Fälle" in again.stderr
    csv_out = _kim(db, "report", "--school-year", "2023/24", "--format", "csv").stdout
    assert csv_out.splitlines()[1].startswith("2023/24;Kreis;Gesamt;;" + str(round(930 * 0.05)))


def test_full_demo_county_reproduces_the_annual_report(db):
    """The whole county, as `kim generate-demo --county paderborn` makes it (a few minutes)."""
    out = _kim(db, "generate-demo", "--county", "paderborn")
    assert "Demo erzeugt" in out.stdout, out.stderr
    report = json.loads(_kim(db, "report", "--school-year", "2023/24", "--format", "json").stdout)
    assert report["totals"]["persons_supported"] == 930
    assert report["totals"]["cm_cases"] == 364
