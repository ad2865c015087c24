"""The inbox's statements built once per shape (engine/tasks/service.py ``_kept_inbox``) list exactly
what the same inbox built anew lists: for every view, order and filter, for several users of the
same shape one after the other (their ids are parameters, nothing of one user stays in the
statement of the next)."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from engine.access.service import authenticate
from engine.cases.service import read_page
from engine.clock import utcnow
from engine.errors import Forbidden
from engine.org.models import Municipality
from engine.tasks import inbox as filters
from engine.tasks import service
from engine.uow import unit_of_work
from tests.api.helpers import open_case
from tests.api.inbox_data import three_cases

USERS = ("cm-borchen", "cm-borchen-2", "cm-delbrueck", "cm-uma", "coordinator")


def _token(login, username) -> str:
    return login(username)["Authorization"].split(" ", 1)[1]


def test_every_shape_lists_what_the_inbox_built_anew_lists(app, client, login):
    three_cases(app, client, login)
    delbrueck = open_case(client, login("cm-delbrueck"), municipality="Delbrück")
    open_case(client, login("cm-uma"), family_name="Demir")  # a team's case, in Borchen
    sessions = app.extensions["kim"]["sessions"]
    tokens = [_token(login, name) for name in USERS]  # signed in before this test's unit holds the lock
    compared = nonempty = 0
    with unit_of_work(sessions) as session:
        actors = [authenticate(session, token) for token in tokens]
        borchen = session.scalar(select(Municipality.id).where(Municipality.name == "Borchen"))
        for view, sort, overdue, process, place, case_id in itertools.product(
            filters.VIEWS,
            filters.SORTS,
            (None, True, False),
            (None, "case_lifecycle", "other"),
            (None, borchen),
            (None, delbrueck["id"]),
        ):
            for user in actors:
                refine = filters.Refinement(process, place)
                kept = service.inbox(
                    session,
                    user=user,
                    view=view,
                    sort=sort,
                    overdue=overdue,
                    refine=refine,
                    case_id=case_id,
                    per_page=100,
                )
                listed, counted = service._inbox_statements(
                    user, "ready", case_id, None, overdue, view, sort, refine, utcnow()
                )
                items, total = read_page(session, listed, counted, 1, 100)
                assert [tuple(r) for r in kept.items] == [tuple(r) for r in items], (user.username, view)
                assert kept.total == total
                compared += 1
                nonempty += bool(items)
    assert compared == len(USERS) * 5 * 3 * 3 * 3 * 2 * 2
    assert nonempty > compared // 10  # the comparison saw tasks, not only empty pages
    assert service._kept_inbox.cache_info().hits > 0


def test_roles_without_tasks_are_refused_as_before(app, login):
    token = _token(login, "steering")
    with unit_of_work(app.extensions["kim"]["sessions"]) as session, pytest.raises(Forbidden):
        service.inbox(session, user=authenticate(session, token))
