"""Every path of the UmA job follow-up: still employed after monthly check-ins, and ended after an outage."""

from datetime import UTC, datetime

from engine.clock import BERLIN
from tests.engine.workflow.round_trip import Complete, Scenario, Travel


def berlin(day: str, hour: int = 9) -> datetime:
    """``day`` at ``hour`` o'clock in Berlin, as an aware UTC datetime."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=BERLIN).astimezone(UTC)


_START = [
    Complete(
        "coordination_talk",
        {"talk_date": "2025-01-20", "responsible": "joint", "responsible_person": "Frau Berger (UmA-Hilfe)"},
    ),
    # 31 January: the check-ins and the follow-up fall on month ends (28 Feb, 30 Apr, ..., 31 Jul).
    Complete(
        "job_start",
        {"placement_kind": "training", "employer": "Tischlerei Müller", "start_date": "2025-01-31"},
    ),
]


def _checkin(day: str, status: str = "stable") -> Complete:
    return Complete("checkin", {"contact_date": day, "status": status}, pick="checkin_due")


_MONTHLY = [
    step
    for day in ("2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31", "2025-06-30")
    for step in (Travel(berlin(day)), _checkin(day))
]

SCENARIOS = {
    "still_employed": Scenario(
        [
            *_START,
            Travel(berlin("2025-02-27")),
            *_MONTHLY,
            Travel(berlin("2025-07-30")),
            Travel(berlin("2025-07-31")),
            Complete("six_month_followup", {"followup_date": "2025-07-31", "outcome": "still_employed"}),
        ],
        {"outcome": "still_employed"},
        start_at=berlin("2025-01-20"),
    ),
    # The scheduler was down from February: every missed check-in comes at once, the follow-up is done
    # first while the check-ins stay open, and they are worked off oldest first afterwards.
    "ended_after_outage": Scenario(
        [
            *_START,
            Travel(berlin("2025-07-31")),
            Complete(
                "six_month_followup",
                {"followup_date": "2025-07-31", "outcome": "ended", "end_reason": "Ausbildung abgebrochen"},
            ),
            Complete(
                "reengage", {"new_goal": "Einstiegsqualifizierung", "next_steps": "Termin bei der Agentur"}
            ),
            *(_checkin("2025-08-01", "difficulties") for _ in range(4)),
            _checkin("2025-08-01", "ended"),
        ],
        {"outcome": "ended"},
        start_at=berlin("2025-01-20"),
    ),
}
