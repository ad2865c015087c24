"""Every path of a structural topic: solved locally, by the steering group, a working group or the state."""

from datetime import UTC, datetime, timedelta

from engine.clock import BERLIN
from tests.engine.workflow.round_trip import Complete, Scenario, Travel

T0 = datetime(2026, 3, 2, 9, tzinfo=BERLIN).astimezone(UTC)


def week(n: float) -> datetime:
    """``n`` weeks after the topic was raised (an hour later, so a timer of exactly n weeks is due)."""
    return T0 + timedelta(weeks=n, hours=1)


LOCAL_RESOLVED = Complete(
    "local_decision",
    {
        "decision_date": "2026-03-02",
        "local_outcome": "resolved",
        "reason": "Träger vor Ort zuständig",
        "solution": "Sprechstunde der Kita-Vergabe im Rathaus",
    },
)
ESCALATED = [
    Complete(
        "local_decision",
        {"decision_date": "2026-03-02", "local_outcome": "escalated", "reason": "Vor Ort nicht lösbar"},
    ),
    Complete(
        "decision_paper",
        {
            "prepared_on": "2026-03-09",
            "proposal": "forward_state",
            "summary": "Wartelisten in drei Kommunen",
            "reason": "Landesrecht",
        },
    ),
]


def steering(outcome: str, **extra) -> Complete:
    return Complete(
        "steering_decision",
        {
            "decision_date": "2026-03-16",
            "steering_outcome": outcome,
            "reason": "Beschluss der Sitzung",
            **extra,
        },
    )


def forward(**extra) -> Complete:
    return Complete(
        "forward_to_state",
        {
            "forwarded_on": "2026-03-17",
            "reference": "KIM-PB-2026-07",
            "recipient_authority": "Ministerium für Kinder, Jugend, Familie, "
            "Gleichstellung, Flucht und Integration NRW",
            **extra,
        },
    )


ANSWER = Complete("state_answer", {"answered_on": "2026-06-01", "answer": "Erlass in Vorbereitung"})
REMINDER = Complete("state_reminder", {"reminded_on": "2026-05-01", "note": "Telefonisch nachgefragt"})

SCENARIOS = {
    "local": Scenario([LOCAL_RESOLVED], {"local_outcome": "resolved"}, start_at=T0),
    "steering": Scenario(
        [*ESCALATED, steering("resolved", solution="Kreisweite Sprechstunde")],
        {"steering_outcome": "resolved"},
        start_at=T0,
    ),
    "working_group": Scenario(
        [
            *ESCALATED,
            steering(
                "working_group",
                working_group_name="AG Sprache",
                working_group_field="language",
                mandate="Kursplätze erheben",
            ),
            Complete("working_group_result", {"reported_on": "2026-09-01", "result": "Zwei neue Kurse"}),
            Complete("steering_informed", {"informed_on": "2026-09-14"}),
        ],
        {"steering_outcome": "working_group"},
        start_at=T0,
    ),
    # The answer within the period the forwarding named: no reminder.
    "state_in_time": Scenario(
        [*ESCALATED, steering("forward_state"), forward(reminder_after="P8W"), Travel(week(7)), ANSWER],
        {"answer": "Erlass in Vorbereitung"},
        start_at=T0,
    ),
    # Two weeks without an answer, twice: a reminder each time, then the answer.
    "state_after_reminders": Scenario(
        [
            *ESCALATED,
            steering("forward_state"),
            forward(reminder_after="P2W", answer_within="P2W"),
            Travel(week(2)),
            REMINDER,
            Travel(week(4.5)),
            REMINDER,
            ANSWER,
        ],
        {"answer": "Erlass in Vorbereitung"},
        start_at=T0,
    ),
    # No period given: the diagram's own default of six weeks.
    "state_default_period": Scenario(
        [
            *ESCALATED,
            steering("forward_state"),
            forward(),
            Travel(week(5.5)),
            Travel(week(6)),
            REMINDER,
            ANSWER,
        ],
        {"answer": "Erlass in Vorbereitung"},
        start_at=T0,
    ),
}
