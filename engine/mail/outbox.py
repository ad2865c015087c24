"""Queue a mail in the caller's transaction; send what is due later, from the scheduler, with retries.

A mail is a row of ``mail_outbox`` written in the same unit of work as what causes it (a hand-over,
the daily digest), so a rolled-back change never mails anyone, and the SMTP server is never talked to
while a request or a step holds the database: a slow or broken mail server cannot block a task.
``send_due`` claims due rows with a short lease (several schedulers never send one mail twice while it
is being sent), sends them over SMTP outside any transaction, then marks each sent, or due again after
a growing pause, or failed after the last attempt; failures are counted (kim_mail_failures_total).
With mail off (no KIM_SMTP_HOST) queued rows are set aside as ``off``, so nothing piles up or goes out
late once mail is switched on. Rows that are done are deleted after 30 days.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from .. import metrics
from ..access.models import User
from ..clock import utcnow
from ..config import Settings
from ..uow import unit_of_work
from . import smtp
from .models import FAILED, OFF, PENDING, SENT, OutboxMail
from .texts import SITE

log = logging.getLogger("kim.mail")

LEASE = timedelta(minutes=5)
BATCH = 50
KEEP = timedelta(days=30)  # sent, failed and set-aside rows are deleted after this (they name pseudonyms)


def exists(session: Session, key: str) -> bool:
    """Whether a mail with ``key`` was queued already (sent or not)."""
    return session.scalar(select(OutboxMail.id).where(OutboxMail.key == key[:120])) is not None


def queue(session: Session, *, key: str, kind: str, user_id: int, subject: str, body: str) -> bool:
    """Add a mail to the outbox in the caller's transaction; False if one with ``key`` is there already."""
    if exists(session, key):
        return False
    now = utcnow()
    session.add(
        OutboxMail(
            key=key[:120],
            kind=kind,
            user_id=user_id,
            subject=subject[:200],
            body=body,
            status=PENDING,
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        )
    )
    return True


@dataclass(frozen=True)
class _Claimed:
    id: int
    kind: str
    to: str | None
    subject: str
    body: str
    attempts: int


def _claim(sessions, now: datetime) -> list[_Claimed]:
    """Due pending rows, leased to this run (their next attempt moved past the lease)."""
    with unit_of_work(sessions) as session:
        rows = session.execute(
            select(OutboxMail, User.email, User.active)
            .join(User, User.id == OutboxMail.user_id)
            .where(OutboxMail.status == PENDING, OutboxMail.next_attempt_at <= now)
            .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
            .limit(BATCH)
            .with_for_update(of=OutboxMail, skip_locked=True)
        ).all()
        out = []
        for row, email, active in rows:
            row.next_attempt_at = now + LEASE
            out.append(
                _Claimed(row.id, row.kind, email if active else None, row.subject, row.body, row.attempts)
            )
        return out


def _finish(sessions, item: _Claimed, error: str | None, settings: Settings, now: datetime) -> str:
    """Record one attempt: sent, off (no address any more), due again later, or failed."""
    values: dict
    if error is None:
        values, outcome = {"status": SENT, "sent_at": now, "attempts": item.attempts + 1}, SENT
    elif item.to is None:
        values, outcome = {"status": OFF, "last_error": error}, OFF
    else:
        attempts = item.attempts + 1
        if attempts >= settings.mail_max_attempts:
            values, outcome = {"status": FAILED, "attempts": attempts, "last_error": error}, "given_up"
        else:
            pause = timedelta(seconds=settings.mail_retry_seconds * 2 ** (attempts - 1))
            values = {"attempts": attempts, "next_attempt_at": now + pause, "last_error": error}
            outcome = "retry"
    with unit_of_work(sessions) as session:
        session.execute(
            update(OutboxMail)
            .where(OutboxMail.id == item.id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    return outcome


def send_due(sessions, *, settings: Settings, now: datetime | None = None) -> Counter:
    """Send every due mail once (a batch at a time); the outcomes counted (sent, retry, given_up, off)."""
    outcomes: Counter = Counter()
    now = now or utcnow()
    with unit_of_work(sessions) as session:
        session.execute(
            delete(OutboxMail)
            .where(OutboxMail.status.in_((SENT, FAILED, OFF)), OutboxMail.next_attempt_at < now - KEEP)
            .execution_options(synchronize_session=False)
        )
    if not settings.mail_enabled:
        with unit_of_work(sessions) as session:
            outcomes[OFF] = session.execute(
                update(OutboxMail)
                .where(OutboxMail.status == PENDING)
                .values(status=OFF)
                .execution_options(synchronize_session=False)
            ).rowcount  # type: ignore[attr-defined]  # DML through Session.execute gives a CursorResult
        return outcomes
    while claimed := _claim(sessions, now):
        addressed = [c for c in claimed if c.to]
        site = settings.site_url()
        errors = smtp.send_all(
            settings, [(c.to or "", c.subject, c.body.replace(SITE, site)) for c in addressed]
        )
        results = dict(zip((c.id for c in addressed), errors, strict=True))
        for item in claimed:
            error = results[item.id] if item.to else "Kein aktives Konto mit E-Mail-Adresse."
            outcome = _finish(sessions, item, error, settings, now)
            outcomes[outcome] += 1
            if outcome == SENT:
                metrics.mail_sent(item.kind)
            elif outcome in ("retry", "given_up"):
                metrics.mail_failed(outcome)
                log.warning("mail %s not sent (%s): %s", item.id, outcome, error)
        if len(claimed) < BATCH:
            break
    return outcomes


def install(scheduler, sessions, settings: Settings) -> None:
    """Drain the outbox on the scheduler every ``mail_check_minutes`` (and once at start)."""
    scheduler.add_periodic(
        "mail-outbox", lambda: send_due(sessions, settings=settings), settings.mail_check_minutes
    )
