"""One clock for the whole service, so tests can travel in time instead of sleeping."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


class Clock:
    """Wall clock in UTC; ``travel`` shifts it for tests and simulations."""

    def __init__(self) -> None:
        self._offset = timedelta(0)

    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        return datetime.now(timezone.utc) + self._offset

    def travel(self, delta: timedelta) -> None:
        """Move the clock forward (or back) by ``delta``."""
        self._offset += delta

    def reset(self) -> None:
        """Back to real time."""
        self._offset = timedelta(0)


CLOCK = Clock()


def utcnow() -> datetime:
    """Shortcut for the shared clock's now()."""
    return CLOCK.now()
