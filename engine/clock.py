"""The one place the service reads the time, so that timers and tests share one clock.

Time travel: tests (and demo set-ups) move the clock instead of sleeping. The offset is
process-wide; ``KIM_CLOCK_OFFSET_SECONDS`` sets it for a whole process (e.g. a scheduler
started by a test). Datetimes are always timezone-aware UTC; ``BERLIN`` is for display.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")

_lock = threading.Lock()
_offset = timedelta(seconds=float(os.environ.get("KIM_CLOCK_OFFSET_SECONDS") or 0))


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC (shifted when travelling)."""
    return datetime.now(UTC) + _offset


def advance(delta: timedelta) -> datetime:
    """Move the clock forward (or back) by ``delta``; returns the new time."""
    global _offset
    with _lock:
        _offset += delta
    return utcnow()


def travel_to(moment: datetime) -> datetime:
    """Set the clock so that ``utcnow()`` is ``moment`` (aware) from now on, ticking on."""
    global _offset
    if moment.tzinfo is None:
        raise ValueError("travel_to needs a timezone-aware datetime")
    with _lock:
        _offset = moment - datetime.now(UTC)
    return utcnow()


def reset() -> None:
    """Back to real time."""
    global _offset
    with _lock:
        _offset = timedelta(0)


def offset() -> timedelta:
    """The current time-travel offset (zero in normal operation)."""
    return _offset


def berlin(moment: datetime | None) -> datetime | None:
    """A UTC datetime as Europe/Berlin local time, for display."""
    return moment.astimezone(BERLIN) if moment is not None else None


def today_berlin():
    """Today's date in Berlin (dates people enter are Berlin dates)."""
    return utcnow().astimezone(BERLIN).date()
