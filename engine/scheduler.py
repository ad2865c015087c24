"""The timer scheduler: APScheduler arms one job for the next due time.

No polling of instances: the job fires when the earliest timer row falls due. It is
re-armed after every commit that writes a timer (in this process, via
engine.timers.service.on_new_due) and by a light watch job that asks the timers index for
the next due time (rows written by other processes). Any number of schedulers may run
against one database: work is claimed with a lease (engine/timers/jobs.py), and every
firing is a unit of work of its own (engine/uow.py).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections import Counter
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from . import clock
from .audit import jobs as audit_jobs
from .config import Settings
from .mail import outbox as mail_outbox
from .retention import jobs as retention_jobs
from .tasks import reminders
from .timers import jobs as timer_jobs
from .timers import service as timers
from .timers.policy import TimerPolicy
from .uow import unit_of_work

log = logging.getLogger("kim.scheduler")


def timer_policy(settings: Settings) -> TimerPolicy:
    """The lease and retry policy for timers from the settings (KIM_TIMER_*)."""
    return TimerPolicy(
        lease_seconds=settings.timer_lease_seconds,
        retry_seconds=settings.timer_retry_seconds,
        max_attempts=settings.timer_max_attempts,
    )


def default_owner() -> str:
    """A lease owner name unique to this process."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class TimerScheduler:
    """Fires due timers; start() in the web process (embedded) or in `kim scheduler`."""

    def __init__(
        self,
        session_factory,
        *,
        policy: TimerPolicy | None = None,
        watch_seconds: float = 1.0,
        owner: str | None = None,
    ):
        self.session_factory = session_factory
        self.policy = policy or TimerPolicy()
        self.owner = owner or default_owner()
        self.watch_seconds = watch_seconds
        self.counts: Counter = Counter()
        self._lock = threading.Lock()
        self._armed: datetime | None = None  # real time the fire job is set for
        self._busy = False
        self._pending: datetime | None = None
        self._stopping = False
        self._idle = threading.Event()
        self._scheduler = BackgroundScheduler(
            timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
        )

    # -- life cycle -------------------------------------------------------------------
    def start(self) -> TimerScheduler:
        timers.on_new_due(self.arm)
        self._scheduler.add_job(self._watch, IntervalTrigger(seconds=self.watch_seconds), id="watch")
        self._scheduler.start()
        self._arm_real(datetime.now(UTC))  # fire whatever fell due while we were down
        log.info("scheduler started", extra={"owner": self.owner})
        return self

    def shutdown(self) -> None:
        self._stopping = True
        timers.remove_listener(self.arm)
        self._scheduler.shutdown(wait=True)

    # -- arming -----------------------------------------------------------------------
    def arm(self, due: datetime) -> None:
        """Make sure the fire job runs no later than ``due`` (a time on engine.clock)."""
        self._arm_real(due - clock.offset())

    def _arm_real(self, real: datetime) -> None:
        with self._lock:
            if self._stopping:
                return
            if self._busy:
                self._pending = real if self._pending is None else min(self._pending, real)
                return
            if self._armed is not None and self._armed <= real:
                return
            self._armed = real
            self._idle.clear()
        now = datetime.now(UTC)
        self._scheduler.add_job(
            self._run, DateTrigger(run_date=max(real, now)), id="fire", replace_existing=True
        )

    def _watch(self) -> None:
        with unit_of_work(self.session_factory, write=False) as session:
            due = timers.next_due(session)
        if due is not None:
            self.arm(due)
        elif not self._busy:
            self._idle.set()

    def _run(self) -> None:
        with self._lock:
            self._busy, self._armed = True, None
        try:
            for outcome in timer_jobs.run_due(
                self.session_factory, owner=self.owner, policy=self.policy, should_stop=lambda: self._stopping
            ):
                self.counts[outcome.status] += 1
        except Exception:
            log.exception("firing timers failed; retrying shortly")
        finally:
            with self._lock:
                self._busy, pending, self._pending = False, self._pending, None
        if pending is not None:
            self._arm_real(pending)
        self._watch()

    def add_periodic(self, job_id: str, fn, minutes: float) -> None:
        """A housekeeping job (e.g. retention) on the same scheduler; it runs once at start."""

        def guarded():
            try:
                fn()
            except Exception:
                log.exception("periodic job %s failed", job_id)

        self._scheduler.add_job(
            guarded,
            IntervalTrigger(minutes=minutes),
            id=job_id,
            next_run_time=datetime.now(UTC),
            replace_existing=True,
        )

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is due (tests and `kim scheduler --once`)."""
        return self._idle.wait(timeout)


# -- housekeeping jobs beside the timers -------------------------------------------------
def install_housekeeping(scheduler: TimerScheduler, sessions, settings) -> None:
    """The periodic jobs every scheduler runs: retention, the audit trail's checkpoints, the mail outbox
    and (with mail on) the daily digests of due tasks."""
    retention_jobs.install(scheduler, sessions, settings)
    audit_jobs.install(scheduler, sessions, settings)
    mail_outbox.install(scheduler, sessions, settings)
    reminders.install(scheduler, sessions, settings)
