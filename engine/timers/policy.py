"""How the scheduler leases and retries timers (settings: KIM_TIMER_*)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TimerPolicy:
    """Lease length, retry backoff, attempts before an incident, timers claimed per batch."""

    lease_seconds: float = 60.0
    retry_seconds: float = 30.0
    max_attempts: int = 5
    batch: int = 200
