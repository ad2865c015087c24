"""Reminders by e-mail about tasks: the message to whom a task was handed (or from whom it was taken
over), and the daily digest of due and overdue tasks. Both are queued in the mail outbox
(engine/mail/outbox.py) in a unit of work; the scheduler sends them after the commit."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..access.actor import Actor
from ..access.models import User
from ..cases.models import Case
from ..clock import BERLIN, utcnow
from ..config import Settings
from ..mail import outbox, texts
from ..uow import unit_of_work
from .models import READY, TaskRecord
from .service import scope_conditions

log = logging.getLogger("kim.mail")

DIGEST_ROLES = ("case_manager", "coordinator")
DIGEST_LIMIT = 50  # lines per section; the link leads to the rest
DIGEST_EVERY_MINUTES = 15.0


def _line(session: Session, row: TaskRecord) -> str:
    case = session.get(Case, row.case_id) if row.case_id else None
    names = (case.given_name, case.family_name) if case else ()
    return texts.task_line(
        texts.without_names(row.name, names), case.pseudonym if case else None, row.due_at, row.id
    )


def handed_over(session: Session, *, row: TaskRecord, to_id: int, by: Actor) -> None:
    """Queue the message to whom ``by`` handed the task (if they have an address)."""
    target = session.get(User, to_id)
    if target is None or not target.email or target.id == by.id:
        return
    by_name = session.scalar(select(User.display_name).where(User.id == by.id)) or by.username
    subject, body = texts.handed_over(to=target.display_name, by=by_name, line=_line(session, row))
    key = f"handover:{row.id}:{target.id}:{utcnow().isoformat()}"
    outbox.queue(session, key=key, kind="handover", user_id=target.id, subject=subject, body=body)


def taken_over(session: Session, *, row: TaskRecord, from_id: int, by: Actor) -> None:
    """Queue the message to the previous holder of a task ``by`` took over (if they have an address)."""
    previous = session.get(User, from_id)
    if previous is None or not previous.email or previous.id == by.id:
        return
    by_name = session.scalar(select(User.display_name).where(User.id == by.id)) or by.username
    subject, body = texts.taken_over(to=previous.display_name, by=by_name, line=_line(session, row))
    key = f"takeover:{row.id}:{previous.id}:{utcnow().isoformat()}"
    outbox.queue(session, key=key, kind="handover", user_id=previous.id, subject=subject, body=body)


def end_of_day(now: datetime) -> datetime:
    """Midnight after ``now``'s Berlin day, in UTC terms."""
    tomorrow = now.astimezone(BERLIN).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=BERLIN).astimezone(now.tzinfo)


def digest_for(session: Session, *, user: User, now: datetime) -> bool:
    """Queue one user's digest of today (Berlin): their due and overdue tasks and the unassigned ones of
    their scope; nothing if none is due or today's digest is queued already. Whether one was queued."""
    key = f"digest:{user.id}:{now.astimezone(BERLIN).date().isoformat()}"
    if outbox.exists(session, key):
        return False
    actor = Actor(user.id, user.username, user.role, user.tenant_id, user.municipality_id, user.team_id)
    due = session.scalars(
        select(TaskRecord)
        .where(
            *scope_conditions(actor, READY),
            TaskRecord.due_at < end_of_day(now),
            or_(TaskRecord.assignee_id == user.id, TaskRecord.assignee_id.is_(None)),
        )
        .order_by(TaskRecord.due_at, TaskRecord.id)
        .limit(DIGEST_LIMIT * 2)
    ).all()
    if not due:
        return False
    mine = [_line(session, t) for t in due if t.assignee_id == user.id][:DIGEST_LIMIT]
    team = [_line(session, t) for t in due if t.assignee_id is None][:DIGEST_LIMIT]
    subject, body = texts.digest(to=user.display_name, on=now, mine=mine, team=team)
    return outbox.queue(session, key=key, kind="digest", user_id=user.id, subject=subject, body=body)


def queue_digests(sessions, *, settings: Settings, now: datetime | None = None) -> int:
    """From KIM_MAIL_DIGEST_HOUR on (Berlin), queue today's digest of every active case manager and
    coordinator with an e-mail address, one unit of work each; the number queued."""
    now = now or utcnow()
    if now.astimezone(BERLIN).hour < settings.mail_digest_hour:
        return 0
    with unit_of_work(sessions, write=False) as session:
        ids = session.scalars(
            select(User.id).where(
                User.active.is_(True), User.email.is_not(None), User.email != "", User.role.in_(DIGEST_ROLES)
            )
        ).all()
    queued = 0
    for user_id in ids:
        try:
            with unit_of_work(sessions) as session:
                queued += digest_for(session, user=session.get_one(User, user_id), now=now)
        except Exception:  # one user's digest must not stop the others'
            log.exception("digest for user %s failed", user_id)
    return queued


def install(scheduler, sessions, settings: Settings) -> None:
    """Queue the daily digests on the scheduler every 15 minutes (and once at start), if mail is on."""
    if settings.mail_enabled:
        scheduler.add_periodic(
            "mail-digest", lambda: queue_digests(sessions, settings=settings), DIGEST_EVERY_MINUTES
        )
