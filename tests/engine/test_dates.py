"""Calendar-correct month arithmetic and ISO 8601 timer values."""

from datetime import UTC, datetime

import pytest

from engine.clock import BERLIN
from engine.dates import (
    TimerValueError,
    add_months,
    end_of_day,
    is_iso_literal,
    parse_cycle,
    parse_duration,
    parse_moment,
)


@pytest.mark.parametrize(
    "start, months, expected",
    [
        ("2025-01-31", 6, "2025-07-31"),
        ("2025-08-31", 6, "2026-02-28"),
        ("2023-08-31", 6, "2024-02-29"),  # leap year
        ("2024-02-29", 12, "2025-02-28"),
        ("2025-03-31", 1, "2025-04-30"),
        ("2025-12-15", 1, "2026-01-15"),  # year boundary
        ("2025-05-31", 0, "2025-05-31"),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_six_month_duration_from_a_berlin_midnight_stays_on_the_calendar_date():
    start = parse_moment("2025-01-31")
    due = parse_duration("P6M").after(start)
    assert due.astimezone(BERLIN).isoformat() == "2025-07-31T00:00:00+02:00"  # across the DST change
    due = parse_duration("P6M").after(parse_moment("2025-08-31"))
    assert due.astimezone(BERLIN).date().isoformat() == "2026-02-28"


def test_cycles_are_anchored_and_never_drift():
    cycle = parse_cycle("R6/2025-01-31T09:00:00/P1M", datetime(2025, 1, 1, tzinfo=UTC))
    days = [cycle.due(k).astimezone(BERLIN).date().isoformat() for k in range(6)]
    assert days == ["2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31", "2025-06-30"]
    assert all(cycle.due(k).astimezone(BERLIN).hour == 9 for k in range(6))
    without_start = parse_cycle("R6/P1M", datetime(2025, 1, 31, 8, tzinfo=UTC))
    assert without_start.total == 6
    assert without_start.due(0).astimezone(BERLIN).date().isoformat() == "2025-02-28"
    assert parse_cycle("R/PT1H", datetime(2025, 1, 1, tzinfo=UTC)).total == -1


def test_naive_values_are_berlin_time_and_dates_as_due_dates_mean_end_of_day():
    assert parse_moment("2025-07-31T10:00:00") == datetime(2025, 7, 31, 8, tzinfo=UTC)
    assert parse_moment("2025-07-31T10:00:00Z") == datetime(2025, 7, 31, 10, tzinfo=UTC)
    assert end_of_day("2025-01-15").astimezone(BERLIN).isoformat() == "2025-01-15T23:59:59+01:00"


@pytest.mark.parametrize("bad", ["P6X", "6M", "P-1M", "P0D", "P1.5M", "", "PT"])
def test_invalid_durations_are_refused_with_a_german_message(bad):
    with pytest.raises(TimerValueError) as err:
        parse_duration(bad)
    assert err.value.message_de


@pytest.mark.parametrize("bad", ["R0/P1M", "R6", "Rx/P1M", "R6/P1M/2025-01-01", "R99999/P1D"])
def test_invalid_cycles_are_refused(bad):
    with pytest.raises(TimerValueError):
        parse_cycle(bad, datetime(2025, 1, 1, tzinfo=UTC))


def test_raw_iso_values_are_told_apart_from_expressions():
    for raw in ["P6M", "PT2S", "R6/P1M", "R/P1D", "2025-07-31", "2025-07-31T10:00:00Z", "p14d"]:
        assert is_iso_literal(raw), raw
    for expr in ["followup_due", "'P6M'", "add_months(start_date, 6)", "P", "Period"]:
        assert not is_iso_literal(expr), expr
