"""The demo's event loop: steps happen in date order, each on a clock travelled to its moment.

Every step calls the same services the API calls, in its own unit of work (as a request
would: engine/uow.py). Timers that fall due on the way (reminders, follow-up check-ins) are fired
by the timer service before the next step, as a scheduler would.
"""

from __future__ import annotations

import heapq
import itertools
import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime, time

from sqlalchemy import select

from .. import clock
from ..access.actor import Actor
from ..access.models import User
from ..access.service import hash_password
from ..timers.jobs import run_due
from ..timers.policy import TimerPolicy
from ..timers.service import next_due, on_new_due, remove_listener
from ..uow import unit_of_work


def moment(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A Berlin wall-clock time on ``day``, as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), clock.BERLIN).astimezone(UTC)


class Runner:
    """A queue of (moment, step); ``run`` executes them in order until ``until``."""

    def __init__(self, factory, until: datetime):
        self.factory, self.until = factory, until
        self.queue: list = []
        self.seq = itertools.count()
        self.steps = 0
        self.timers_fired = 0
        self.due: datetime | None = None  # earliest known timer; steps that write timers report theirs

    def _on_due(self, due: datetime) -> None:
        if self.due is None or due < self.due:
            self.due = due

    def at(self, when: datetime, fn: Callable, *args) -> None:
        """Schedule ``fn(session, *args)`` at ``when`` (dropped if it lies in the future)."""
        if when <= self.until:
            heapq.heappush(self.queue, (when, next(self.seq), fn, args))

    def run(self) -> None:
        on_new_due(self._on_due)
        with unit_of_work(self.factory, write=False) as session:
            self.due = next_due(session)
        try:
            while self.queue:
                when, _n, fn, args = heapq.heappop(self.queue)
                clock.travel_to(when)
                self._fire_due()
                with unit_of_work(self.factory) as session:
                    fn(session, *args)
                self.steps += 1
            clock.travel_to(self.until)
            self._fire_due()
        finally:
            remove_listener(self._on_due)
            clock.reset()

    def _fire_due(self) -> None:
        if self.due is None or self.due > clock.utcnow():
            return
        self.timers_fired += len(run_due(self.factory, owner="demo", policy=TimerPolicy()))
        with unit_of_work(self.factory, write=False) as session:
            self.due = next_due(session)


def ensure_user(
    session,
    *,
    username: str,
    display_name: str,
    role: str,
    tenant_id: int,
    demo: bool,
    municipality_id: int | None = None,
    team_id: int | None = None,
    agency: str | None = None,
    password: str | None = None,
) -> Actor:
    """The demo's acting accounts of the tenant (created if missing; password ``password``, else 'demo'
    only in demo mode). User names are unique per tenant: another county's account of the same name is
    another account and never used."""
    user = session.scalars(select(User).where(User.tenant_id == tenant_id, User.username == username)).first()
    if user is None:
        user = User(
            username=username,
            display_name=display_name,
            role=role,
            tenant_id=tenant_id,
            municipality_id=municipality_id,
            team_id=team_id,
            agency=agency,
            active=True,
            created_at=clock.utcnow(),
            password_hash=hash_password(password or ("demo" if demo else secrets.token_urlsafe(24))),
        )
        session.add(user)
        session.flush()
    return Actor(
        user.id, user.username, user.role, user.tenant_id, user.municipality_id, user.team_id, user.agency
    )
