"""GET /api/v1/tasks: one view at a time (mine, team, unassigned, overdue, week), refined by process,
municipality and search, in one of three orders; bad values are a German 422 naming the field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case, ready
from tests.api.inbox_data import three_cases

API = "/api/v1/tasks"


def _ids(client, headers, **query) -> list[str]:
    r = client.get(API, query_string=query, headers=headers)
    assert r.status_code == 200, r.json
    assert r.json["total"] == len(r.json["items"])
    return [t["id"] for t in r.json["items"]]


def test_every_view_lists_its_own_tasks(app, client, login):
    box = three_cases(app, client, login)
    cm = login("cm-borchen")
    assert _ids(client, cm, view="mine") == [box.mine]
    assert _ids(client, cm, view="unassigned") == [box.unassigned]
    assert _ids(client, cm, view="overdue") == [box.unassigned]
    assert _ids(client, cm, view="week") == [box.unassigned, box.colleague]  # overdue included, due first
    assert _ids(client, cm, view="team") == [box.unassigned, box.colleague, box.mine]
    assert _ids(client, cm) == _ids(client, cm, view="team")  # the API's default: every task in scope
    # The colleague's view is hers: only what she holds.
    assert _ids(client, login("cm-borchen-2"), view="mine") == [box.colleague]


def test_sorting_by_due_date_case_and_task(app, client, login):
    box = three_cases(app, client, login)
    cm = login("cm-borchen")
    assert _ids(client, cm, sort="due") == [box.unassigned, box.colleague, box.mine]
    assert _ids(client, cm, sort="case") == [box.mine, box.colleague, box.unassigned]  # Aalto, Berger, Cordes
    # Einwilligung before Erstgespräch; the two first contacts by due date.
    assert _ids(client, cm, sort="task") == [box.mine, box.unassigned, box.colleague]


def test_search_in_case_number_pseudonym_and_task_title(app, client, login):
    box = three_cases(app, client, login)
    cm = login("cm-borchen")
    assert _ids(client, cm, q=box.numbers["Berger"]) == [box.colleague]
    assert _ids(client, cm, q=box.pseudonyms["Cordes"].lower()) == [box.unassigned]
    assert _ids(client, cm, q="EINWILL") == [box.mine]
    assert _ids(client, cm, q="Erstgespräch", view="overdue") == [box.unassigned]
    assert _ids(client, cm, q="%") == []  # a wildcard is a letter here
    assert _ids(client, cm, q="Aalto") == []  # no search in clients' names: tasks are found by case


def test_process_and_municipality_filters(app, client, login):
    box = three_cases(app, client, login)
    cm = login("cm-borchen")
    assert set(_ids(client, cm, process="case_lifecycle")) == {box.mine, box.colleague, box.unassigned}
    assert _ids(client, cm, process="referral") == []
    assert _ids(client, cm, municipality="borchen", view="mine") == [box.mine]
    # The county-wide UmA team works in several municipalities: one at a time.
    uma = login("cm-uma")
    in_delbrueck = open_case(client, uma, municipality="Delbrück")["id"]
    in_paderborn = open_case(client, uma, municipality="Paderborn")["id"]
    r = client.get(API, query_string={"municipality": "delbrueck"}, headers=uma)
    assert {t["case_id"] for t in r.json["items"]} == {in_delbrueck}
    r = client.get(API, query_string={"municipality": "paderborn"}, headers=uma)
    assert {t["case_id"] for t in r.json["items"]} == {in_paderborn}


def test_bad_filter_values_are_a_german_422_naming_the_field(app, client, login):
    cm = login("cm-borchen")
    for query, field in (
        ({"view": "everything"}, "view"),
        ({"sort": "name"}, "sort"),
        ({"municipality": "atlantis"}, "municipality"),
        ({"q": "x" * 101}, "q"),
    ):
        r = client.get(API, query_string=query, headers=cm)
        assert r.status_code == 422, (query, r.json)
        assert field in str(r.json), (query, r.json)
    r = client.get(API, query_string={"municipality": "atlantis"}, headers=cm)
    assert "Diese Gemeinde gibt es nicht." in str(r.json)


def test_first_contact_and_consent_have_due_dates_from_the_diagram(app, client, login):
    """camunda:dueDate P7D and P14D in processes/case_lifecycle.bpmn (process owners can change them)."""
    cm = login("cm-borchen")
    case = open_case(client, cm)
    started = datetime.now(UTC)
    (first,) = ready(client, cm, case["id"])
    assert first["bpmn_id"] == "first_contact"
    assert abs(datetime.fromisoformat(first["due"]) - (started + timedelta(days=7))) < timedelta(minutes=5)
    complete(client, cm, case["id"], "first_contact", d.FIRST_CONTACT)
    (consent,) = ready(client, cm, case["id"])
    assert consent["bpmn_id"] == "consent" and consent["overdue"] is False
    assert abs(datetime.fromisoformat(consent["due"]) - (started + timedelta(days=14))) < timedelta(minutes=5)
