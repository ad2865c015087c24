"""The retention job: anonymise every due case, one unit of work per case (engine/uow.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from ..cases.models import Case
from ..clock import utcnow
from ..uow import unit_of_work
from .service import REASON_RETENTION, REASON_WITHDRAWAL, anonymise, due_case_ids

log = logging.getLogger("kim.retention")


@dataclass
class RetentionReport:
    """What one retention run did."""

    anonymised: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _anonymise_one(session, case_id: int, now: datetime) -> str | None:
    """Anonymise one due case (in the caller's unit); its pseudonym, or None if it is no longer due."""
    case = session.get_one(Case, case_id)
    if case.anonymised_at is not None or case.legal_hold:
        return None
    withdrawn = case.deletion_due_at is not None and case.deletion_due_at <= now
    anonymise(session, case, reason=REASON_WITHDRAWAL if withdrawn else REASON_RETENTION, now=now)
    return case.pseudonym


def run(
    sessions, *, default_days: int, batch: int = 50, now: datetime | None = None, dry_run: bool = False
) -> RetentionReport:
    """Anonymise every due case, one unit of work per case (read in batches); a case that
    fails is logged, reported and skipped, the others go on. ``dry_run`` lists (up to 1,000)."""
    report = RetentionReport()
    now = now or utcnow()
    skip: set[int] = set()
    while True:
        with unit_of_work(sessions, write=False) as session:
            if dry_run:
                ids = due_case_ids(session, default_days=default_days, now=now)
                report.anonymised += [session.get_one(Case, i).pseudonym for i in ids]
                return report
            ids = [
                i
                for i in due_case_ids(session, default_days=default_days, now=now, limit=batch + len(skip))
                if i not in skip
            ][:batch]
        if not ids:
            return report
        for case_id in ids:
            try:
                with unit_of_work(sessions) as session:
                    pseudonym = _anonymise_one(session, case_id, now)
            except Exception:  # one broken case must not stop the others
                log.exception("retention failed for case %s", case_id)
                report.failed.append(str(case_id))
                skip.add(case_id)
                continue
            if pseudonym is not None:
                report.anonymised.append(pseudonym)


def install(scheduler, sessions, settings) -> None:
    """Run retention on the scheduler every ``retention_check_minutes`` (and once at start)."""

    def job():
        report = run(sessions, default_days=settings.retention_days)
        if report.anonymised or report.failed:
            log.info("retention: %d anonymised, %d failed", len(report.anonymised), len(report.failed))

    scheduler.add_periodic("retention", job, settings.retention_check_minutes)
