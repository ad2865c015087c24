"""Opening a case: its round trips counted and capped, and the answer built from what the request holds
(the place, the case manager, a history page that ends the listing) equal to the case read back.

``LIMITS`` is what opening a case needs today (docs/performance.md); a change that adds a round trip
fails here and names every one of them.
"""

import pytest

from engine.cases.service import page_total
from tests.api.helpers import open_case
from tests.api.test_completion_round_trips import Exchanges, VirtualMachineSteps, many_current_versions
from tests.conftest import BACKEND

LIMITS = {"sqlite": 20, "postgresql": 17}


def test_opening_a_case_stays_within_its_round_trips(app, client, login):
    headers = login("cm-borchen")
    open_case(client, headers)  # the first one fills this process's caches
    counter = Exchanges(app.extensions["kim"]["engine"])
    counter.sent.clear()
    opened = open_case(client, headers)
    sent = list(counter.sent)
    listing = "\n".join(f"{i:>2}. {s}" for i, s in enumerate(sent, 1))
    assert len(sent) <= LIMITS[BACKEND], f"{len(sent)} round trips (limit {LIMITS[BACKEND]}):\n{listing}"
    assert sent[-1] == "COMMIT"
    # a new instance has no task or timer rows to read, a first history page that is not full needs
    # no count, and the place and the case manager are not read again
    assert not any(s.startswith("SELECT timers.") for s in sent), listing
    assert not any(s.startswith("SELECT count(*)") for s in sent), listing
    assert sum(s.startswith("SELECT municipalities.") for s in sent) == 1, listing
    assert opened["open_tasks"], opened


def test_the_opened_case_is_the_case_read_back(client, login):
    headers = login("cm-borchen")
    opened = open_case(client, headers)
    again = client.get(f"/api/v1/cases/{opened['id']}", headers=headers)
    assert again.status_code == 200, again.json
    assert opened == again.json
    assert opened["case_manager"] and opened["municipality"] == "Borchen"
    assert opened["history_total"] == len(opened["history"]) > 0


def test_a_history_page_counts_only_when_it_cannot_tell(client, login):
    headers = login("cm-borchen")
    opened = open_case(client, headers)
    full = client.get(f"/api/v1/cases/{opened['id']}/history?per_page=100", headers=headers).json
    total = full["total"]
    assert total == len(full["items"]) >= 1
    for per_page in range(1, total + 2):
        for page in range(1, total + 3):
            got = client.get(
                f"/api/v1/cases/{opened['id']}/history?per_page={per_page}&page={page}", headers=headers
            ).json
            assert got["total"] == total, (per_page, page, got)
            assert got["items"] == full["items"][(page - 1) * per_page : page * per_page]


@pytest.mark.parametrize(
    ("found", "page", "per_page", "counted", "total"),
    [
        (3, 1, 10, False, 3),  # the first page, not full: the listing ends here
        (10, 1, 10, False, 10),  # a full page and no row beyond it
        (0, 1, 10, False, 0),  # nothing at all
        (4, 3, 10, False, 24),  # a later page, not full
        (11, 1, 10, True, 99),  # a row beyond the page: more follow
        (0, 5, 10, True, 99),  # beyond the end: the count says how many there are
    ],
)
def test_page_total(found, page, per_page, counted, total):
    calls = []

    def count():
        calls.append(1)
        return 99

    assert page_total(found, page, per_page, count) == total
    assert bool(calls) == counted


@pytest.mark.skipif(BACKEND != "sqlite", reason="counts SQLite's bytecode steps")
def test_opening_a_case_reads_no_more_rows_when_the_installation_has_many_processes(app, client, login):
    """The current version of the case's process and of its first form are found by their keys."""
    headers = login("cm-borchen")
    open_case(client, headers)  # the first one fills this process's caches
    engine = app.extensions["kim"]["engine"]
    steps = VirtualMachineSteps(engine)
    few = steps.during(lambda: open_case(client, headers))
    many_current_versions(engine)
    open_case(client, headers)  # takes in the new versions' labels, once
    many = steps.during(lambda: open_case(client, headers))
    assert many < few * 1.2, (few, many)
