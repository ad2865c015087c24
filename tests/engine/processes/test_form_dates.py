"""Date keywords of forms (engine/processes/form_dates.py): checked against a given day, refused when wrong,
and seen by a process owner in the form editor's live check."""

from __future__ import annotations

import json
from datetime import date

from engine.config import PROJECT_ROOT
from engine.processes.form_dates import date_errors, hint, schema_problems
from engine.processes.forms import check_form_schema

TODAY = date(2026, 12, 2)
FORM = {
    "type": "object",
    "properties": {
        "met_on": {"title": "Gespräch am", "type": "string", "format": "date", "x-not-after-today": True},
        "starts": {"type": "string", "format": "date", "x-max-days-ahead": 10},
        "rows": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"due": {"type": "string", "format": "date", "x-not-before": "met_on"}},
            },
        },
    },
}


def test_dates_are_checked_against_today_and_the_referred_field():
    ok = {"met_on": "2026-12-02", "starts": "2026-12-12", "rows": [{"due": "2026-12-02"}]}
    assert date_errors(FORM, ok, TODAY) == {}
    bad = {
        "met_on": "2026-12-03",
        "starts": "2026-12-13",
        "rows": [{"due": "2027-01-01"}, {"due": "2026-12-01"}],
    }
    assert date_errors(FORM, bad, TODAY) == {
        "met_on": ["Das Datum darf nicht in der Zukunft liegen (heute ist der 02.12.2026)."],
        "starts": ["Das Datum darf höchstens 10 Tage nach heute liegen (spätestens am 12.12.2026)."],
        "rows.1.due": ["Das Datum darf nicht vor „Gespräch am“ (03.12.2026) liegen."],
    }
    # What is not a date is the format check's business; a missing reference checks nothing.
    assert date_errors(FORM, {"met_on": "morgen", "rows": [{"due": "2020-01-01"}, "x"]}, TODAY) == {}


def test_a_wrong_keyword_is_refused_where_a_process_owner_checks_the_form():
    broken = {
        "type": "object",
        "properties": {
            "a": {"type": "string", "x-not-after-today": True},
            "b": {"type": "string", "format": "date", "x-not-after-today": "ja", "x-max-days-ahead": -1},
            "c": {"type": "string", "format": "date", "x-not-before": "nothing"},
            "d": {"type": "string", "format": "date", "x-not-before": "d"},
        },
    }
    problems = schema_problems(broken)
    assert problems == [
        "Feld „a“: die Datumsregeln gelten nur für Datumsfelder (format: date).",
        "Feld „b“: x-not-after-today muss true oder false sein.",
        "Feld „b“: x-max-days-ahead muss eine ganze Zahl ab 0 sein.",
        "Feld „c“: x-not-before muss ein anderes Datumsfeld der obersten Ebene nennen.",
        "Feld „d“: x-not-before muss ein anderes Datumsfeld der obersten Ebene nennen.",
    ]
    assert set(problems) <= set(check_form_schema(broken))
    assert schema_problems(FORM) == []


def test_the_shipped_forms_use_the_keywords_rightly(client, login):
    owner = login("process-owner")
    for key in (
        "first_contact",
        "consent",
        "evaluation",
        "final_evaluation",
        "closure",
        "uma_job_start",
        "goal_agreement",
    ):
        schema = json.loads((PROJECT_ROOT / "forms" / f"{key}.json").read_text())
        assert check_form_schema(schema) == [], key
        assert any(
            kw in json.dumps(schema) for kw in ("x-not-after-today", "x-max-days-ahead", "x-not-before")
        )
    goal = json.loads((PROJECT_ROOT / "forms" / "goal_agreement.json").read_text())
    target = goal["properties"]["goals"]["items"]["properties"]["target_date"]
    assert hint(target, goal) == "Nicht vor „Datum der Zielvereinbarung“."
    # The form editor's live check names the broken rule.
    r = client.post(
        "/api/v1/forms/validate",
        json={"schema": {**goal, "properties": {**goal["properties"], "agreement_date": {"type": "string"}}}},
        headers=owner,
    )
    assert r.json["valid"] is False
    assert (
        "Feld „goals.target_date“: x-not-before muss ein anderes Datumsfeld der obersten Ebene nennen."
        in r.json["problems"]
    )
