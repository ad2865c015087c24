"""Every path of the case lifecycle: declined, referral, accompaniment with evaluations, withdrawal."""

from tests import lifecycle_data as d
from tests.engine.workflow.round_trip import Complete, Message, Scenario

_TO_GOALS = [
    Complete("first_contact", d.FIRST_CONTACT),
    Complete("consent", d.CONSENT_YES),
    Complete("assessment", d.ASSESS_ACCOMPANY),
    Complete("goal_agreement", d.GOALS),
]

SCENARIOS = {
    "declined": Scenario(
        [Complete("first_contact", d.FIRST_CONTACT), Complete("consent", d.CONSENT_NO)],
        {"closure_reason": "no_consent"},
    ),
    "referral": Scenario(
        [
            Complete("first_contact", d.FIRST_CONTACT),
            Complete("consent", d.CONSENT_YES),
            Complete("assessment", d.ASSESS_REFERRAL),
            Complete("referral", d.REFERRAL),
            Complete("closure", d.CLOSURE_REFERRED),
        ],
        {"closure_reason": "referred"},
    ),
    "accompaniment": Scenario(
        [
            *_TO_GOALS,
            Complete("evaluation", d.evaluation(True, 1)),
            Complete("evaluation", d.evaluation(True, 2)),
            Complete("evaluation", d.evaluation(False, 3)),
            Complete("final_evaluation", d.FINAL),
            Complete("closure", d.CLOSURE_GOALS_MET),
        ],
        {"closure_reason": "goals_met"},
    ),
    "withdrawn": Scenario(
        [*_TO_GOALS, Complete("evaluation", d.evaluation(True, 1)), Message("consent_withdrawn")],
        {"closure_reason": "consent_withdrawn"},
    ),
}
