"""Programme figures on a known dataset: school-year boundaries, breakdowns, suppression, exports."""

import csv
import io
from datetime import date, datetime, time

import pytest
from openpyxl import load_workbook

from engine import clock
from engine.reports.figures import suppress_rows
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case

API = "/api/v1"


@pytest.fixture
def at(login):
    """at('2023-08-01', 'cm-borchen') -> headers, with the clock on that day (noon, Berlin)."""

    def _at(day: str, username: str):
        clock.travel_to(datetime.combine(date.fromisoformat(day), time(12), clock.BERLIN))
        return login(username)

    yield _at
    clock.reset()


def _case(client, at, user, place, steps):
    """Open a case on the first step's day, then each (day, bpmn_id, data) on its day."""
    h = at(steps[0][0], user)
    cid = open_case(client, h, municipality=place)["id"]
    for day, bpmn_id, data in steps:
        complete(client, at(day, user), cid, bpmn_id, data)


def first(day):
    return day, "first_contact", {**d.FIRST_CONTACT, "contact_date": day}


def consent(day, yes=True):
    return day, "consent", {**d.CONSENT_YES, "consent_date": day} if yes else d.CONSENT_NO


def accompany(day, goals_day):
    return [
        (day, "assessment", d.ASSESS_ACCOMPANY),
        (goals_day, "goal_agreement", {**d.GOALS, "agreement_date": goals_day}),
    ]


def refer(day, agency):
    return [
        (day, "assessment", d.ASSESS_REFERRAL),
        (day, "referral", {**d.REFERRAL, "agency": agency, "referral_date": day}),
        (day, "closure", {"closure_reason": "referred", "closure_date": day}),
    ]


@pytest.fixture
def dataset(client, at):
    _case(
        client,
        at,
        "cm-borchen",
        "Borchen",
        [
            first("2023-08-01"),
            consent("2023-08-01"),
            *accompany("2023-08-15", "2023-09-01"),
            ("2024-06-01", "evaluation", {**d.evaluation(False), "evaluation_date": "2024-06-01"}),
            ("2024-06-01", "final_evaluation", {**d.FINAL, "evaluation_date": "2024-06-01"}),
            ("2024-07-31", "closure", {"closure_reason": "goals_met", "closure_date": "2024-07-31"}),
        ],
    )
    _case(
        client,
        at,
        "cm-borchen",
        "Borchen",
        [first("2023-07-31"), consent("2023-07-31"), *refer("2023-08-05", "foreigners_authority")],
    )
    _case(client, at, "cm-borchen", "Borchen", [first("2023-11-10"), consent("2023-11-10", yes=False)])
    _case(
        client,
        at,
        "cm-borchen",
        "Borchen",
        [first("2024-02-01"), consent("2024-02-01"), *refer("2024-02-10", "jobcenter")],
    )
    _case(
        client,
        at,
        "cm-borchen",
        "Borchen",
        [first("2024-03-01"), consent("2024-03-01"), *refer("2024-03-10", "jobcenter")],
    )
    _case(client, at, "cm-uma", "Borchen", [first("2023-10-01"), consent("2023-10-01", yes=False)])
    for contact, goals in (
        ("2024-05-02", "2024-06-01"),
        ("2024-05-03", "2024-07-31"),
        ("2024-05-04", "2024-08-01"),
    ):
        _case(
            client,
            at,
            "cm-delbrueck",
            "Delbrück",
            [first(contact), consent(contact), *accompany(contact, goals)],
        )
    _case(client, at, "cm-delbrueck", "Delbrück", [first("2024-08-01")])
    return at("2024-09-02", "coordinator")


def _row(fig, place):
    return next(r for r in fig["by_municipality"] if r["municipality"] == place)


@pytest.mark.slow  # the dataset is built through the API (about 20 s)
def test_figures_of_a_known_dataset(client, dataset):
    fig = client.get(f"{API}/reports/figures?school_year=2023/24", headers=dataset).json
    assert (fig["period_start"], fig["period_end"], fig["min_count"]) == ("2023-08-01", "2024-07-31", 3)
    t = fig["totals"]
    assert (t["persons_supported"], t["cm_cases"], t["referrals"], t["closures"]) == (8, 3, 3, 6)
    assert t["closures_by_reason"] == {"goals_met": None, "referred": 3, "no_consent": None}
    assert t["referrals_by_agency"] == {"jobcenter": None, "foreigners_authority": None}
    b, dl = _row(fig, "Borchen"), _row(fig, "Delbrück")
    assert (b["persons_supported"], b["cm_cases"], b["referrals"], b["closures"], b["goals_met"]) == (
        5,
        None,
        3,
        6,
        None,
    )
    assert (dl["persons_supported"], dl["cm_cases"], dl["referrals"]) == (3, None, 0)
    assert {"cm_cases", "goals_met"} <= set(b["suppressed"]) and "cm_cases" in dl["suppressed"]
    assert _row(fig, "Paderborn")["persons_supported"] == 0
    regions = {r["region"]: r["persons_supported"] for r in fig["by_region"]}
    assert (regions["Region 3"], regions["Region 1"], regions["Stadt Paderborn"]) == (5, 3, 0)
    (uma,) = fig["by_team"]
    assert (uma["team"], uma["persons_supported"], uma["closures"]) == ("UmA-Team", None, None)
    nxt = client.get(f"{API}/reports/figures?school_year=2024/25", headers=dataset).json["totals"]
    prev = client.get(f"{API}/reports/figures?school_year=2022/23", headers=dataset).json["totals"]
    assert (nxt["persons_supported"], nxt["cm_cases"], prev["persons_supported"]) == (
        None,
        None,
        None,
    )  # 1 each


@pytest.mark.slow  # the dataset is built through the API (about 20 s)
def test_csv_and_xlsx_exports(client, dataset):
    r = client.get(f"{API}/reports/figures?school_year=2023/24&format=csv", headers=dataset)
    assert (
        r.status_code == 200 and r.mimetype == "text/csv" and "attachment" in r.headers["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    header, total = rows[0], rows[1]
    assert header[:5] == ["Schuljahr", "Ebene", "Name", "Region", "Unterstützte Personen (Erstgespräche)"]
    assert total[:6] == ["2023/24", "Kreis", "Gesamt", "", "8", "3"]
    borchen = next(row for row in rows if row[2] == "Borchen")
    assert borchen[5] == "<3" and len(rows) == 1 + 1 + 10 + 4 + 1
    r = client.get(f"{API}/reports/figures?school_year=2023/24&format=xlsx", headers=dataset)
    sheet = load_workbook(io.BytesIO(r.data)).active
    assert r.status_code == 200 and sheet.title == "Kennzahlen 2023-24"
    assert [c.value for c in sheet[2]][:6] == ["2023/24", "Kreis", "Gesamt", None, 8, 3]


def test_who_may_read_figures_and_bad_school_years(client, login):
    assert client.get(f"{API}/reports/figures", headers=login("steering")).status_code == 200
    for user in ("cm-borchen", "dpo", "admin", "abh"):
        assert client.get(f"{API}/reports/figures", headers=login(user)).status_code == 403
    coord = login("coordinator")
    for year in ("2023/25", "2023-24", "x"):
        assert client.get(f"{API}/reports/figures?school_year={year}", headers=coord).status_code == 422


def test_secondary_suppression_hides_a_second_cell():
    def row(n):
        return {
            "persons_supported": n,
            "cm_cases": 0,
            "referrals": 0,
            "closures": 0,
            "goals_met": 0,
            "topics_raised": 0,
            "topics_escalated": 0,
            "topics_resolved": 0,
            **{
                b: {}
                for b in (
                    "referrals_by_agency",
                    "closures_by_reason",
                    "goals_met_by_result",
                    "topics_raised_by_category",
                    "topics_escalated_by_level",
                    "topics_resolved_by_level",
                )
            },
        }

    rows = [row(2), row(7), row(5), row(0)]
    suppress_rows(rows, 3)
    assert [r["persons_supported"] for r in rows] == [None, 7, None, 0]
