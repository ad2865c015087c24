"""Date, duration and cycle literals in a diagram, parsed at deploy and held to sane bounds.

A raw ISO 8601 value (``P6M``, ``R6/P1M``, ``2026-03-31``) is parsed here exactly as the timers
and due dates will parse it at run time (engine/dates.py), plus bounds that only make sense for
what a person models: a cycle repeats at most ``MAX_CYCLE_REPETITIONS`` times and not more often
than every ``MIN_CYCLE_PERIOD``; a date lies between ``MIN_YEAR`` and ``MAX_YEAR``; a
multi-instance count is at most ``MAX_LOOP_CARDINALITY``. Values computed by expressions are
bounded at run time with the same constants (engine/workflow/timers.py for cycles,
engine/workflow/expressions.py for counts).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ..dates import Cycle, TimerValueError, end_of_day, parse_cycle, parse_duration, parse_moment

# Fixed for every tenant for now; tenant data could override these later (like reopen_days).
MIN_CYCLE_PERIOD = timedelta(hours=1)
MAX_CYCLE_REPETITIONS = 1_000
MAX_LOOP_CARDINALITY = 100
MIN_YEAR, MAX_YEAR = 2000, 2199
_NOW = datetime(2026, 1, 1, tzinfo=UTC)  # any fixed moment: only the shape of a cycle is checked


def _year(moment: datetime, raw: str) -> None:
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise TimerValueError(
            f"The date '{raw[:40]}' lies outside {MIN_YEAR} to {MAX_YEAR}.",
            f"Das Datum „{raw[:40]}“ liegt nicht zwischen {MIN_YEAR} und {MAX_YEAR}.",
        )


def _endless(raw: str) -> TimerValueError:
    return TimerValueError(
        f"The cycle '{raw[:40]}' repeats without end; give a count (R1 to R{MAX_CYCLE_REPETITIONS}).",
        f"Der Zyklus „{raw[:40]}“ wiederholt sich ohne Ende; bitte eine Anzahl angeben "
        f"(R1 bis R{MAX_CYCLE_REPETITIONS}, z. B. R6/P1M).",
    )


def _cycle(raw: str) -> None:
    if raw.upper().startswith("R/") or raw.upper() == "R":
        raise _endless(raw)
    cycle = parse_cycle(raw, _NOW)
    problem = cycle_problem(cycle, raw)
    if problem is not None:
        raise problem
    _year(cycle.anchor, raw)
    cycle.due(cycle.total)  # the last repetition must be a date the engine can compute


def cycle_problem(cycle: Cycle, raw: str) -> TimerValueError | None:
    """The bound a cycle breaks (no end, too many repetitions, more often than hourly), or None;
    used at deploy for literals and at run time for computed cycles (engine/workflow/timers.py)."""
    if cycle.total == -1:
        return _endless(raw)
    if cycle.total > MAX_CYCLE_REPETITIONS:
        return TimerValueError(
            f"The cycle '{raw[:40]}' repeats more than {MAX_CYCLE_REPETITIONS} times.",
            f"Der Zyklus „{raw[:40]}“ wiederholt sich öfter als {MAX_CYCLE_REPETITIONS}-mal.",
        )
    period = cycle.period
    if period.months == 0 and period.delta < MIN_CYCLE_PERIOD:
        return TimerValueError(
            f"The cycle '{raw[:40]}' repeats more often than once an hour.",
            f"Der Zyklus „{raw[:40]}“ wiederholt sich öfter als einmal pro Stunde.",
        )
    return None


def check_literal(kind: str, raw: str) -> None:
    """Parse a raw ISO value of a timer (``date``, ``duration``, ``cycle``) or a due date (``due``);
    TimerValueError (German and English) if it is impossible or out of bounds."""
    if kind == "cycle":
        _cycle(raw)
    elif kind == "duration" or (kind == "due" and raw.upper().startswith("P")):
        parse_duration(raw).after(_NOW)
    elif kind == "due":
        _year(end_of_day(raw), raw)
    else:
        _year(parse_moment(raw), raw)


def check_cardinality(raw: str) -> TimerValueError | None:
    """A whole-number loopCardinality above the bound (an expression is checked at run time)."""
    text = raw.strip()
    if text.isdigit() and int(text) > MAX_LOOP_CARDINALITY:
        return TimerValueError(
            f"A multi-instance activity runs at most {MAX_LOOP_CARDINALITY} times (here {text[:12]}).",
            f"Eine Mehrfach-Aktivität läuft höchstens {MAX_LOOP_CARDINALITY}-mal (hier {text[:12]}).",
        )
    return None
