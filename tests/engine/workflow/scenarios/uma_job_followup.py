"""Every path of the UmA job follow-up: still employed after monthly check-ins (one "not reached"
alone), ended at the six-month follow-up, ended by a check-in (the rest cancelled), two "not reached"
in a row (the coordinator's task) and a job start in the past (only the latest past month)."""

from datetime import UTC, datetime

from engine.clock import BERLIN
from tests.engine.workflow.round_trip import Complete, Scenario, Travel


def berlin(day: str, hour: int = 9) -> datetime:
    """``day`` at ``hour`` o'clock in Berlin, as an aware UTC datetime."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=BERLIN).astimezone(UTC)


def _start(start_date: str = "2025-01-31") -> list[Complete]:
    return [
        Complete(
            "coordination_talk",
            {
                "talk_date": "2025-01-20",
                "responsible": "joint",
                "responsible_person": "Frau Berger (UmA-Hilfe)",
            },
        ),
        # 31 January: the check-ins and the follow-up fall on month ends (28 Feb, 30 Apr, ..., 31 Jul).
        Complete(
            "job_start",
            {"placement_kind": "training", "employer": "Tischlerei Müller", "start_date": start_date},
        ),
    ]


def _checkin(day: str, status: str = "stable") -> Complete:
    return Complete("checkin", {"contact_date": day, "status": status})


MONTH_ENDS = ("2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31", "2025-06-30")
_REENGAGE = Complete(
    "reengage", {"new_goal": "Einstiegsqualifizierung", "next_steps": "Termin bei der Agentur"}
)

SCENARIOS = {
    "still_employed": Scenario(
        [
            *_start(),
            Travel(berlin("2025-02-27")),
            *(
                step
                for day, status in zip(
                    MONTH_ENDS, ("stable", "not_reached", "stable", "difficulties", "stable"), strict=True
                )
                for step in (Travel(berlin(day)), _checkin(day, status))
            ),
            Travel(berlin("2025-07-30")),
            Travel(berlin("2025-07-31")),
            Complete("six_month_followup", {"followup_date": "2025-07-31", "outcome": "still_employed"}),
        ],
        {"outcome": "still_employed"},
        start_at=berlin("2025-01-20"),
    ),
    # The scheduler was down from February: only the latest month's check-in comes (June), the
    # follow-up says the training ended, and the open check-in and every timer are cancelled.
    "ended_at_followup": Scenario(
        [
            *_start(),
            Travel(berlin("2025-07-31")),
            Complete(
                "six_month_followup",
                {"followup_date": "2025-07-31", "outcome": "ended", "end_reason": "Ausbildung abgebrochen"},
            ),
            _REENGAGE,
        ],
        {"outcome": "ended"},
        start_at=berlin("2025-01-20"),
    ),
    # A check-in reports the end: re-engagement at once, no more check-ins, no six-month follow-up.
    "ended_at_checkin": Scenario(
        [
            *_start(),
            Travel(berlin("2025-02-28")),
            _checkin("2025-02-28"),
            Travel(berlin("2025-03-31")),
            _checkin("2025-03-31", "ended"),
            _REENGAGE,
        ],
        {"outcome": "ended"},
        start_at=berlin("2025-01-20"),
    ),
    # Started four months ago: one check-in for May, then June; twice not reached in a row raises the
    # coordinator's task while the follow-up goes on.
    "started_in_the_past_and_not_reached": Scenario(
        [
            *_start("2025-01-31"),
            _checkin("2025-06-05", "not_reached"),
            Travel(berlin("2025-06-30")),
            _checkin("2025-06-30", "not_reached"),
            Complete("unreached_review", {"review_date": "2025-07-01", "next_step": "via_uma_team"}),
            Travel(berlin("2025-07-31")),
            Complete("six_month_followup", {"followup_date": "2025-07-31", "outcome": "still_employed"}),
        ],
        {"outcome": "still_employed"},
        start_at=berlin("2025-06-05"),
    ),
}
