"""Prometheus metrics of the engine: tasks completed, timers fired and late, open incidents, mails.

The metric objects live here so that engine code can count without knowing who serves them (the
web app's ``/metrics``, or ``kim scheduler`` on ``KIM_METRICS_PORT``). Under gunicorn with several
workers ``kim serve`` sets ``PROMETHEUS_MULTIPROC_DIR`` before anything imports prometheus_client, so
every process writes its values to files there and a scrape of any worker sums them up.
Counts that depend on a transaction are taken after its commit: a rolled-back completion never counts.
"""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import case, event, func, select
from sqlalchemy.orm import Session

from .clock import utcnow
from .tenancy.scope import use_all_tenants
from .timers.models import INCIDENT, WAITING, Timer

disable_created_metrics()  # no *_created series: half the lines, nothing an alert needs

TASKS_COMPLETED = Counter("kim_tasks_completed_total", "User tasks completed (committed)", ["process"])
TIMERS_FIRED = Counter("kim_timers_fired_total", "Timers fired (committed)")
TIMER_FAILURES = Counter("kim_timer_failures_total", "Failed timer fires", ["outcome"])  # retry | incident
PROCESS_INCIDENTS = Counter(
    "kim_process_incidents_total",
    "Run-time failures of process models (committed incidents)",
    ["process", "kind"],  # kind: a budget limit (steps, time, size, ...) or error
)
TIMER_LATENESS = Histogram(
    "kim_timer_lateness_seconds",
    "Fire time minus the time the timer was due",
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 6 * 3600, 86400),
)
MAIL_SENT = Counter("kim_mail_sent_total", "Reminder mails accepted by the SMTP server", ["kind"])
# outcome: retry (tried again later) | given_up (after KIM_MAIL_MAX_ATTEMPTS)
MAIL_FAILURES = Counter("kim_mail_failures_total", "Reminder mails the SMTP server did not take", ["outcome"])
DB_CONNECTIONS_IN_USE = Gauge(
    "kim_db_connections_in_use", "Database connections checked out of the pools", multiprocess_mode="livesum"
)

_PENDING = "kim_metrics_pending"
_PENDING_INCIDENTS = "kim_metrics_pending_incidents"
OVERDUE_AFTER = timedelta(seconds=60)


def task_completed(session: Session, process: str | None) -> None:
    """Count a task completion once the session's transaction commits."""
    pending = session.info.setdefault(_PENDING, [])
    pending.append(process or "unknown")


def process_incident(session: Session, process: str, kind: str) -> None:
    """Count a process incident once the session's transaction commits."""
    session.info.setdefault(_PENDING_INCIDENTS, []).append((process, kind))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    for process in session.info.pop(_PENDING, ()):
        TASKS_COMPLETED.labels(process=process).inc()
    for process, kind in session.info.pop(_PENDING_INCIDENTS, ()):
        PROCESS_INCIDENTS.labels(process=process, kind=kind).inc()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_PENDING_INCIDENTS, None)


def timer_fired(late_seconds: float) -> None:
    """A timer fired (after its commit), ``late_seconds`` after it was due."""
    TIMERS_FIRED.inc()
    TIMER_LATENESS.observe(max(late_seconds, 0.0))


def timer_failed(outcome: str) -> None:
    """A timer fire failed and became a retry or an incident."""
    TIMER_FAILURES.labels(outcome=outcome).inc()


def mail_sent(kind: str) -> None:
    """A mail of ``kind`` (digest, handover) went out."""
    MAIL_SENT.labels(kind=kind).inc()


def mail_failed(outcome: str) -> None:
    """A mail could not be sent and is tried again (retry) or not any more (given_up)."""
    MAIL_FAILURES.labels(outcome=outcome).inc()


def instrument_pool(engine) -> None:
    """Track connections checked out of ``engine``'s pool in DB_CONNECTIONS_IN_USE."""
    event.listen(engine, "checkout", lambda *_: DB_CONNECTIONS_IN_USE.inc())
    event.listen(engine, "checkin", lambda *_: DB_CONNECTIONS_IN_USE.dec())


class DatabaseCollector:
    """Values read from the database at scrape time: open incidents, overdue timers, database up."""

    def __init__(self, session_factory):
        self.session_factory = session_factory

    def describe(self):
        return []  # keep registering free of database queries

    def collect(self):
        up = GaugeMetricFamily("kim_database_up", "1 when the database answered this scrape")
        try:
            with self.session_factory() as session:
                use_all_tenants(session)  # every tenant's timers (engine/tenancy)
                overdue_before = utcnow() - OVERDUE_AFTER
                incidents, overdue = session.execute(
                    select(
                        func.count(case((Timer.status == INCIDENT, 1))),
                        func.count(case(((Timer.status == WAITING) & (Timer.due_at <= overdue_before), 1))),
                    ).where(Timer.status.in_((INCIDENT, WAITING)))
                ).one()
        except Exception:  # noqa: BLE001 - a scrape during an outage still answers
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "kim_incidents_open", "Timers that failed too often (GET /api/v1/incidents)", value=incidents
        )
        yield GaugeMetricFamily(
            "kim_timers_overdue", "Waiting timers due more than 60 s ago (no scheduler?)", value=overdue
        )
