"""Process insight over the API: a case's diagram with done, open and waiting elements; heat map figures
that equal counts taken straight from the history; event logs (XES, OCEL 2.0) without personal data."""

from __future__ import annotations

import json
import statistics
from collections import Counter

from sqlalchemy import select

from engine.insight.paths import Tally, walk
from engine.instances.models import HistoryEntry, ProcessInstance
from engine.processes.models import ProcessVersion
from engine.workflow import diagram_graph
from tests import lifecycle_data as d
from tests.api.helpers import CLIENT, complete, open_case, run_to_evaluation

API = "/api/v1"
PERSONAL = [
    CLIENT["given_name"],
    CLIENT["family_name"],
    CLIENT["birth_date"],
    "Wohnung gefunden",
    "Arbeit und Wohnung",
    "Eigene Wohnung",
    "Haddad",
]


def at_second_evaluation(client, h) -> dict:
    case = open_case(client, h)
    run_to_evaluation(client, h, case["id"])
    complete(client, h, case["id"], "evaluation", d.evaluation(True, 15))
    return case


def test_the_case_diagram_marks_done_steps_and_the_open_evaluation(client, login):
    h = login("cm-borchen")
    case = at_second_evaluation(client, h)
    r = client.get(f"{API}/cases/{case['id']}/diagrams", headers=h)
    assert r.status_code == 200, r.json
    (lifecycle,) = [i for i in r.json["instances"] if i["process_id"] == "case_lifecycle"]
    assert lifecycle["xml"].lstrip().startswith("<?xml") or "<bpmn:definitions" in lifecycle["xml"]
    done = {e["bpmn_id"]: e for e in lifecycle["done"]}
    for step in ("first_contact", "consent", "assessment", "goal_agreement", "evaluation"):
        assert step in done
    assert len(done["evaluation"]["times"]) == 1
    assert [c["bpmn_id"] for c in lifecycle["current"]] == ["evaluation"]
    # The case manager sees who did the steps by name.
    assert done["first_contact"]["times"][0]["by"] not in (None, "Case-Management")


def test_a_process_owner_sees_the_case_diagram_with_roles_not_names_and_no_client_data(client, login):
    cm = login("cm-borchen")
    case = at_second_evaluation(client, cm)
    named = client.get(f"{API}/cases/{case['id']}/diagrams", headers=cm).json
    who = named["instances"][0]["done"][1]["times"][0]["by"]
    r = client.get(f"{API}/cases/{case['id']}/diagrams", headers=login("process-owner"))
    assert r.status_code == 200, r.json
    text = json.dumps(r.json, ensure_ascii=False)
    assert who not in text
    for needle in PERSONAL:
        assert needle not in text


def test_other_case_managers_and_agencies_get_404_like_a_missing_case(client, login):
    case = at_second_evaluation(client, login("cm-borchen"))
    missing = client.get(f"{API}/cases/999999/diagrams", headers=login("cm-delbrueck"))
    other = client.get(f"{API}/cases/{case['id']}/diagrams", headers=login("cm-delbrueck"))
    assert other.status_code == missing.status_code == 404
    assert other.get_data() == missing.get_data()
    assert client.get(f"{API}/cases/{case['id']}/diagrams", headers=login("abh")).status_code in (403, 404)


def _history_counts(lifecycle_xml: str, rows_by_instance: dict[int, list]) -> Tally:
    tally = Tally()
    graph = diagram_graph(lifecycle_xml)
    for rows in rows_by_instance.values():
        walk(graph, rows, tally)
    return tally


def test_heat_map_figures_equal_counts_taken_directly_from_the_history(client, login, app):
    cm = login("cm-borchen")
    for _ in range(4):  # four cases waiting at evaluation #2
        at_second_evaluation(client, cm)
    for _ in range(3):  # three waiting at the consent
        case = open_case(client, cm)
        complete(client, cm, case["id"], "first_contact", d.FIRST_CONTACT)
    r = client.get(f"{API}/processes/case_lifecycle/insight", headers=login("process-owner"))
    assert r.status_code == 200, r.json
    figures = {e["bpmn_id"]: e for e in r.json["elements"]}
    assert figures["evaluation"]["waiting"] == 4
    assert figures["consent"]["waiting"] == 3
    assert r.json["most_waiting"] == "evaluation"
    assert figures["first_contact"]["visits"] == 7
    assert figures["evaluation"]["visits"] == 4
    # Straight from the history table: the same visits, flows and median time.
    with app.extensions["kim"]["sessions"]() as s:
        version = s.scalars(
            select(ProcessVersion).where(
                ProcessVersion.process_id == "case_lifecycle", ProcessVersion.is_current.is_(True)
            )
        ).one()
        rows = s.execute(
            select(HistoryEntry.instance_id, HistoryEntry.bpmn_id, HistoryEntry.at)
            .join(ProcessInstance, ProcessInstance.id == HistoryEntry.instance_id)
            .where(ProcessInstance.process_version_id == version.id)
            .order_by(HistoryEntry.instance_id, HistoryEntry.at, HistoryEntry.id)
        ).all()
        xml = version.xml
    by_instance: dict[int, list] = {}
    for instance_id, bpmn_id, at in rows:
        by_instance.setdefault(instance_id, []).append((bpmn_id, at))
    direct = Counter(bpmn for rows_ in by_instance.values() for bpmn, _at in rows_)
    for bpmn_id, count in direct.items():
        shown = figures[bpmn_id]["visits"]
        assert shown == (None if 0 < count < 3 else count), bpmn_id
    tally = _history_counts(xml, by_instance)
    flows = {f["flow_id"]: f["taken"] for f in r.json["flows"]}
    for flow_id, count in tally.flows.items():
        assert flows[flow_id] == (None if 0 < count < 3 else count)
    consent_seconds = tally.seconds["consent"]
    assert figures["consent"]["median_hours"] == round(statistics.median(consent_seconds) / 3600, 1)


def test_small_counts_are_suppressed_and_case_managers_get_no_heat_map(client, login):
    cm = login("cm-borchen")
    at_second_evaluation(client, cm)
    assert client.get(f"{API}/processes/case_lifecycle/insight", headers=cm).status_code == 403
    r = client.get(f"{API}/processes/case_lifecycle/insight", headers=login("coordinator"))
    text = json.dumps(r.json, ensure_ascii=False)
    for needle in [*PERSONAL, "cm-borchen", "Case-Managerin Borchen"]:
        assert needle not in text
    figures = {e["bpmn_id"]: e for e in r.json["elements"]}
    assert figures["evaluation"]["waiting"] is None  # one case: hidden
    assert figures["evaluation"]["median_hours"] is None


def test_bad_queries_get_clear_errors(client, login):
    h = login("process-owner")
    assert client.get(f"{API}/processes/nope/insight", headers=h).status_code == 404
    assert client.get(f"{API}/processes/case_lifecycle/insight?version=99", headers=h).status_code == 404
    r = client.get(f"{API}/processes/case_lifecycle/insight?municipality=atlantis", headers=h)
    assert r.status_code == 422 and "Kommune" in json.dumps(r.json, ensure_ascii=False)
    r = client.get(f"{API}/processes/case_lifecycle/insight?from=2026-12-01&to=2026-11-01", headers=h)
    assert r.status_code == 422


def test_event_logs_name_cases_by_pseudonym_and_people_by_role_only(client, login):
    cm = login("cm-borchen")
    case = at_second_evaluation(client, cm)
    h = login("coordinator")
    xes = client.get(f"{API}/eventlog.xes?process=case_lifecycle", headers=h)
    assert xes.status_code == 200 and xes.mimetype == "application/xml"
    text = xes.get_data(as_text=True)
    assert case["pseudonym"] in text and "Erstgespräch" in text
    ocel = client.get(f"{API}/eventlog.jsonocel", headers=h)
    assert ocel.status_code == 200
    log = ocel.json
    assert {t["name"] for t in log["objectTypes"]} >= {"case"}
    assert any(o["id"] == f"case:{case['pseudonym']}" for o in log["objects"])
    both = text + json.dumps(log, ensure_ascii=False)
    for needle in [*PERSONAL, "cm-borchen"]:
        assert needle not in both
    assert client.get(f"{API}/eventlog.xes", headers=cm).status_code == 403
