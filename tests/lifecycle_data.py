"""Valid form data for each lifecycle task, shared by engine and API tests.

Dates that record what happened (first contact, consent, evaluations, closure) lie in the past, since
the forms refuse future ones (engine/processes/form_dates.py); a goal's target date may lie ahead.
Tests that travel back in time pass the dates of their own days (``not_after_today``).
"""

from engine.clock import today_berlin

FIRST_CONTACT = {
    "contact_date": "2026-11-02",
    "contact_channel": "in_person",
    "concerns": "Arbeit und Wohnung",
}
CONSENT_YES = {
    "consent_given": True,
    "consent_date": "2026-11-02",
    "data_processing": True,
    "confidentiality_release_agencies": ["jobcenter", "foreigners_authority"],
}
CONSENT_NO = {"consent_given": False}
ASSESS_REFERRAL = {
    "needs": [{"life_area": "residence", "description": "Aufenthaltsfragen"}],
    "legal_domain": "aufenthg",
    "route": "referral",
}
ASSESS_ACCOMPANY = {
    "needs": [{"life_area": "housing"}, {"life_area": "childcare"}],
    "legal_domain": "none",
    "route": "accompaniment",
}
REFERRAL = {
    "agency": "foreigners_authority",
    "reason": "Beratung zu § 25b AufenthG",
    "referral_date": "2026-11-10",
}
GOALS = {
    "agreement_date": "2026-11-10",
    "review_interval_weeks": 8,
    "goals": [
        {
            "goal": "Eigene Wohnung",
            "life_area": "housing",
            "target_date": "2027-06-30",
            "linked_help": "refugee_counselling",
        }
    ],
}
FINAL = {"evaluation_date": "2026-11-29", "goals_met": "all", "summary": "Wohnung gefunden"}
CLOSURE_GOALS_MET = {"closure_reason": "goals_met", "closure_date": "2026-11-30"}
CLOSURE_REFERRED = {"closure_reason": "referred", "closure_date": "2026-11-11"}


def evaluation(go_on: bool, day: int = 15, goal_ids=(), status: str = "in_progress") -> dict:
    """An evaluation; with ``goal_ids`` it gives each of those goals (rows of engine/goals) ``status``."""
    data: dict = {"evaluation_date": f"2026-11-{day:02d}", "continue": go_on}
    if goal_ids:
        data["progress"] = [{"goal_id": i, "status": status} for i in goal_ids]
    return data


def not_after_today(data: dict) -> dict:
    """``data`` with its recorded dates moved to today where they lie after it: for tests that travel
    back in time, where the first contact or the consent happens on the day the test is on."""
    today = today_berlin().isoformat()
    return {k: (today if k in DATED and isinstance(v, str) and v > today else v) for k, v in data.items()}


DATED = ("contact_date", "consent_date", "evaluation_date", "closure_date", "agreement_date")
