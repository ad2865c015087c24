"""The coordinators' overview of referrals per agency and school year: counts, median days to the answer,
overdue, declines by reason, small counts suppressed; raising an agency's row as a topic (no personal
data); who may read and raise it."""

from __future__ import annotations

import pytest

from engine import clock
from tests.engine.followups.helpers import fire, travel
from tests.engine.referrals.helpers import API, family_case, send


@pytest.fixture(autouse=True)
def _on_the_twentieth():
    travel("2026-11-20")
    yield
    clock.reset()


def _act(client, h, referral_id, action, body):
    r = client.post(f"{API}/referrals/{referral_id}/{action}", headers=h, json=body)
    assert r.status_code == 200, r.json


def test_figures_per_agency_with_small_counts_hidden_and_the_row_raised_as_a_topic(app, client, login):
    cm = login("cm-borchen")
    case, m = family_case(app, client, cm)
    abh = [
        send(client, cm, case["id"], "foreigners_authority", [m[n]], "residence")
        for n in ("Karim", "Lina", "Samir", "Nour")
    ]
    jc = [send(client, cm, case["id"], "jobcenter", [m[n]], "work_training") for n in ("Karim", "Lina")]
    travel("2026-11-24")
    h = login("abh")
    for ref in abh[:3]:
        _act(client, h, ref["id"], "answer", {"result": "Geprüft.", "check_result": "met"})  # 4 days
    travel("2026-12-06")  # the Jobcenter's period (14 days) ran out: both overdue, one declined later
    fire(app)
    _act(client, login("jobcenter"), jc[0]["id"], "decline", {"reason": "not_responsible"})

    coord = login("coordinator")
    r = client.get(f"{API}/reports/referrals?school_year=2026/27", headers=coord)
    assert r.status_code == 200, r.json
    rows = {row["agency"]: row for row in r.json["rows"]}
    assert rows["foreigners_authority"] == {
        "agency": "foreigners_authority",
        "agency_name": "Ausländerbehörde Kreis Paderborn",
        "sent": 4,
        "answered": 3,
        "median_days": 4.0,
        "overdue": None,  # 1 (the fourth ran out too): suppressed
        "declined": 0,
        "declined_by_reason": {},
    }
    assert rows["jobcenter"]["sent"] is None and rows["jobcenter"]["overdue"] is None  # 2: suppressed
    assert rows["jobcenter"]["declined_by_reason"] == {"not_responsible": None}
    assert rows["jobcenter"]["median_days"] is None
    assert "Haddad" not in r.get_data(as_text=True) and r.json["min_count"] == 3
    assert client.get(f"{API}/reports/referrals?school_year=2025/26", headers=coord).json["rows"] == []
    assert client.get(f"{API}/reports/referrals?school_year=26/27", headers=coord).status_code == 422
    assert client.get(f"{API}/reports/referrals", headers=login("steering")).status_code == 200
    for username in ("cm-borchen", "abh", "dpo"):
        assert client.get(f"{API}/reports/referrals", headers=login(username)).status_code == 403

    body = {"agency": "foreigners_authority", "school_year": "2026/27"}
    r = client.post(f"{API}/reports/referrals/topics", headers=coord, json=body)
    assert r.status_code == 201, r.json
    topic = client.get(f"{API}/topics/{r.json['id']}", headers=coord).json
    assert (
        topic["title"]
        == "Verweisungen an Ausländerbehörde Kreis Paderborn: Rückmeldungen im Schuljahr 2026/27"
    )
    assert topic["category"] == "residence" and topic["cases"] == []
    assert (
        "- gesendet: 4" in topic["description"] and "- Median Tage bis zur Antwort: 4" in topic["description"]
    )
    assert "weniger als 3" in topic["description"]
    assert not any(name in topic["description"] for name in ("Karim", "Lina", "Samir", "Nour", "Haddad"))
    r = client.post(f"{API}/reports/referrals/topics", headers=coord, json={**body, "agency": "school"})
    assert r.status_code == 422 and list(r.json["errors"]) == ["agency"]
    r = client.post(f"{API}/reports/referrals/topics", headers=login("steering"), json=body)
    assert r.status_code == 403
