"""The scheduler job that anchors the audit trail every ``audit_checkpoint_minutes``."""

from __future__ import annotations

import logging

from . import keys
from .checkpoint import take

log = logging.getLogger("kim.audit")


def install(scheduler, sessions, settings) -> None:
    """Take a signed checkpoint on the scheduler periodically (and once at start)."""

    def job():
        outcome = take(sessions, keys.keyring(), settings.anchor_dir())
        if not outcome.report.ok:
            # Loud on purpose: someone changed the trail; operators alert on this logger.
            log.error("audit trail damaged, no checkpoint taken: %s", " ".join(outcome.report.problems))

    scheduler.add_periodic("audit-checkpoint", job, settings.audit_checkpoint_minutes)
