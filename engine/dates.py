"""Calendar-correct date arithmetic and ISO 8601 timer values, as process owners write them.

- Months are calendar months, clamped to the month's end: 31 Jan + P1M = 28/29 Feb,
  31 Jan + P6M = 31 Jul, 31 Aug + P6M = end of February.
- Repeating intervals are computed from their anchor (start + k * period), so clamping in
  one month never shifts the following ones (31 Jan, 28 Feb, 31 Mar, 30 Apr, ...).
- A date or datetime without a zone is a Berlin date/time: people in the county write them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import isodate
from dateutil.relativedelta import relativedelta

from .clock import BERLIN

MAX_CYCLES = 10_000
MAX_DURATION_YEARS = 100  # no deadline or timer in social work lies further ahead


class TimerValueError(ValueError):
    """A timer or due-date value is not valid ISO 8601 (message in German and English)."""

    def __init__(self, message_en: str, message_de: str):
        super().__init__(message_en)
        self.message_de = message_de


# Anything shaped like an ISO value is taken as one (and must then parse): a repeating
# interval, a duration (P followed by a digit or T), or a date. Everything else is an expression.
_LITERAL = re.compile(r"^(?:R\d*/\S*|P[\dT][^\s()'\"]*|\d{4}-\d{2}-\d{2}[^\s()'\"]*)$", re.IGNORECASE)


def _not_a_date(raw) -> TimerValueError:
    shown = str(raw).strip()[:40]
    return TimerValueError(
        f"'{shown}' is not a valid ISO 8601 date or date-time (e.g. 2026-03-31 or 2026-03-31T09:00).",
        f"„{shown}“ ist kein gültiges ISO-8601-Datum (z. B. 2026-03-31 oder 2026-03-31T09:00).",
    )


def _too_far(raw) -> TimerValueError:
    shown = str(raw).strip()[:40]
    return TimerValueError(
        f"'{shown}' lies outside the range of dates the engine can compute with.",
        f"„{shown}“ liegt außerhalb des Zeitraums, mit dem das System rechnen kann.",
    )


def is_iso_literal(expression: str) -> bool:
    """True for a raw ISO 8601 value as a modeler writes it (``P6M``, ``R6/P1M``, a date)."""
    return bool(_LITERAL.match(expression.strip()))


@dataclass(frozen=True)
class Duration:
    """An ISO duration split into calendar months and an exact remainder."""

    months: int
    delta: timedelta
    text: str

    def after(self, start: datetime, times: int = 1) -> datetime:
        """``start`` plus ``times`` of this duration, calendar-correct, anchored at ``start``."""
        try:
            local = start.astimezone(BERLIN) if start.tzinfo else start
            moved = local + relativedelta(months=self.months * times)
            if start.tzinfo:
                moved = moved.replace(tzinfo=None).replace(tzinfo=BERLIN).astimezone(UTC)
            return moved + self.delta * times
        except (OverflowError, ValueError):
            raise _too_far(self.text) from None


def parse_duration(text: str) -> Duration:
    """Parse ``P6M``, ``P1Y2M10DT2H``, ``PT2S``, ``P2W``; no negative or fractional months."""
    return _parsed_duration(str(text))


@lru_cache(maxsize=512)  # a model's few due periods, parsed at every step that makes a task ready
def _parsed_duration(text: str) -> Duration:
    raw = text.strip()
    try:
        value = isodate.parse_duration(raw.upper())
    except OverflowError:
        raise _too_far(raw) from None
    except (isodate.ISO8601Error, ValueError, TypeError):
        raise TimerValueError(
            f"'{raw[:40]}' is not an ISO 8601 duration (e.g. P6M, PT2S).",
            f"„{raw[:40]}“ ist keine ISO-8601-Dauer (z. B. P6M, PT2S).",
        ) from None
    if isinstance(value, timedelta):
        months, delta = 0, value
    else:
        if value.years != int(value.years) or value.months != int(value.months):
            raise TimerValueError(
                "Fractional years or months are not supported.",
                "Bruchteile von Jahren oder Monaten sind nicht möglich.",
            )
        months, delta = int(value.years) * 12 + int(value.months), value.tdelta
    if months < 0 or delta < timedelta(0) or (months == 0 and delta == timedelta(0)):
        raise TimerValueError(
            f"The duration '{raw[:40]}' must be positive.", f"Die Dauer „{raw[:40]}“ muss positiv sein."
        )
    if months > MAX_DURATION_YEARS * 12 or delta > timedelta(days=366 * MAX_DURATION_YEARS):
        raise TimerValueError(
            f"The duration '{raw[:40]}' is longer than {MAX_DURATION_YEARS} years.",
            f"Die Dauer „{raw[:40]}“ ist länger als {MAX_DURATION_YEARS} Jahre.",
        )
    return Duration(months, delta, raw.upper())


def parse_moment(value) -> datetime:
    """A point in time as aware UTC. Dates mean 00:00 in Berlin; naive times are Berlin times."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(0))
    else:
        raw = str(value).strip()
        try:
            moment = datetime.fromisoformat(raw.replace("z", "Z"))
        except ValueError:
            raise _not_a_date(raw) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BERLIN)
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise _too_far(str(value)) from None


def end_of_day(value) -> datetime:
    """A due date given as a date means the end of that Berlin day."""
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise _not_a_date(value) from None
    if isinstance(value, date) and not isinstance(value, datetime):
        try:
            return datetime.combine(value, time(23, 59, 59), BERLIN).astimezone(UTC)
        except (OverflowError, ValueError):
            raise _too_far(str(value)) from None
    return parse_moment(value)


@dataclass(frozen=True)
class Cycle:
    """``R<n>/[start/]<period>``: fire number k (0-based) at anchor + (first + k) * period."""

    total: int  # -1 = unbounded
    anchor: datetime
    first: int
    period: Duration

    def due(self, k: int) -> datetime:
        return self.period.after(self.anchor, self.first + k)


def parse_cycle(text: str, now: datetime) -> Cycle:
    """Parse a repeating interval; without a start the first cycle falls due one period from now."""
    raw = str(text).strip()
    parts = raw.split("/")
    bad = TimerValueError(
        f"'{raw[:40]}' is not a repeating interval (e.g. R6/P1M).",
        f"„{raw[:40]}“ ist kein Wiederholungsintervall (z. B. R6/P1M).",
    )
    if len(parts) not in (2, 3) or not parts[0].upper().startswith("R"):
        raise bad
    count = parts[0][1:]
    if count and not count.isdigit():
        raise bad
    total = int(count) if count else -1
    if total > MAX_CYCLES or total == 0:
        raise TimerValueError(
            f"A repeating interval needs 1 to {MAX_CYCLES} repetitions.",
            f"Ein Wiederholungsintervall braucht 1 bis {MAX_CYCLES} Wiederholungen.",
        )
    if len(parts) == 2:
        return Cycle(total, now, 1, parse_duration(parts[1]))
    if parts[1].upper().startswith("P"):
        raise bad  # duration/end: not supported, say so
    return Cycle(total, parse_moment(parts[1]), 0, parse_duration(parts[2]))


def _as_date_or_datetime(value):
    if isinstance(value, (date, datetime)):
        return value
    raw = str(value).strip()
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else datetime.fromisoformat(raw)
    except ValueError:
        raise TimerValueError(
            f"'{raw[:40]}' is not an ISO 8601 date.", f"„{raw[:40]}“ ist kein ISO-8601-Datum."
        ) from None


def add_months(value, months: int) -> str:
    """For diagrams: an ISO date (or date-time) plus whole calendar months, clamped to month end."""
    moment = _as_date_or_datetime(value)
    try:
        return (moment + relativedelta(months=int(months))).isoformat()
    except (OverflowError, ValueError):
        raise _too_far(f"{value} + {months}M") from None


def add_days(value, days: int) -> str:
    """For diagrams: an ISO date (or date-time) plus days."""
    moment = _as_date_or_datetime(value)
    try:
        return (moment + timedelta(days=int(days))).isoformat()
    except (OverflowError, ValueError):
        raise _too_far(f"{value} + {days}D") from None


GERMAN_MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)


def month_label(value) -> str:
    """For task titles: the German month and year of an ISO date ("2027-03-31" → "März 2027")."""
    moment = _as_date_or_datetime(value)
    return f"{GERMAN_MONTHS[moment.month - 1]} {moment.year}"
