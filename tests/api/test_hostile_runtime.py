"""Hostile diagrams at run time: every kind of expression site that burns CPU or memory is stopped within its
budget (engine/workflow/budget.py), the completion answers 409 process-model-error in German without
blaming the entries, the entries are kept as a draft, the process owners see an incident, and nothing of
the step is half-saved. The payloads pass the deploy checks: their cost comes from process data (the form's
``note``) or from computing a count the static check cannot see."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from engine import clock
from engine.instances.models import ProcessInstance
from engine.processes.models import ProcessIncident
from engine.tasks.drafts import get_draft
from engine.tasks.models import READY, TaskRecord
from engine.timers.jobs import run_due
from engine.timers.models import INCIDENT
from engine.timers.policy import TimerPolicy
from tests import lifecycle_data as d
from tests.api.helpers import CLIENT
from tests.engine.processes.helpers import API, HEAD, finish, run_tasks, start_run, upload_and_deploy
from tests.engine.timers.helpers import FIXTURES

BURN = "sum(sum(1 for j in range(10000)) for i in range(10000)) > len(note)"  # 10^8 steps

# site kind -> (element that fails, what stands between the form task 'enter' and the task 'after')
SITES = {
    "condition": (
        "gate",
        '<bpmn:exclusiveGateway id="gate" name="Weiche" default="f_default"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="enter" targetRef="gate"/>'
        '<bpmn:sequenceFlow id="f_burn" sourceRef="gate" targetRef="after">'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{BURN}</bpmn:conditionExpression>'
        "</bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="f_default" sourceRef="gate" targetRef="after"/>',
    ),
    "script-ljust": (
        "calc",
        '<bpmn:scriptTask id="calc" name="Rechnen"><bpmn:script>padded = str(1).ljust(len(note) * 10**8)'
        "</bpmn:script></bpmn:scriptTask>"
        '<bpmn:sequenceFlow id="f2" sourceRef="enter" targetRef="calc"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="calc" targetRef="after"/>',
    ),
    "script-repeat": (
        "calc",
        '<bpmn:scriptTask id="calc" name="Rechnen"><bpmn:script>items = list([1]) * (len(note) * 10**8)'
        "</bpmn:script></bpmn:scriptTask>"
        '<bpmn:sequenceFlow id="f2" sourceRef="enter" targetRef="calc"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="calc" targetRef="after"/>',
    ),
    "script-power": (
        "calc",
        '<bpmn:scriptTask id="calc" name="Rechnen"><bpmn:script>n = (((len(note) + 4) ** 64) ** 64) ** 64'
        "</bpmn:script></bpmn:scriptTask>"
        '<bpmn:sequenceFlow id="f2" sourceRef="enter" targetRef="calc"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="calc" targetRef="after"/>',
    ),
    "script-nested": (
        "calc",
        '<bpmn:scriptTask id="calc" name="Rechnen"><bpmn:script>'
        "grid = [[i * j for j in range(10000)] for i in range(10000)]</bpmn:script></bpmn:scriptTask>"
        '<bpmn:sequenceFlow id="f2" sourceRef="enter" targetRef="calc"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="calc" targetRef="after"/>',
    ),
    "timer": (
        "wait",
        '<bpmn:intermediateCatchEvent id="wait" name="Warten"><bpmn:timerEventDefinition>'
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"PT" + str(len(note * 10**9)) + "H"'
        "</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
        '<bpmn:sequenceFlow id="f2" sourceRef="enter" targetRef="wait"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="after"/>',
    ),
    "cycle": (
        "tick",
        '<bpmn:intermediateCatchEvent id="tick" name="Takt"><bpmn:timerEventDefinition>'
        '<bpmn:timeCycle xsi:type="bpmn:tFormalExpression">"R" + str(len(note) * 5000) + "/PT1M"'
        "</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
        '<bpmn:sequenceFlow id="f2" sourceRef="enter" targetRef="tick"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="tick" targetRef="after"/>',
    ),
    "cardinality": (
        "many",
        '<bpmn:manualTask id="many" name="Viele"><bpmn:multiInstanceLoopCharacteristics>'
        "<bpmn:loopCardinality>10**9</bpmn:loopCardinality>"
        "</bpmn:multiInstanceLoopCharacteristics></bpmn:manualTask>"
        '<bpmn:sequenceFlow id="f2" sourceRef="enter" targetRef="many"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="many" targetRef="after"/>',
    ),
    "completion": (
        "many",
        '<bpmn:scriptTask id="many" name="Zweimal"><bpmn:multiInstanceLoopCharacteristics>'
        "<bpmn:loopCardinality>2</bpmn:loopCardinality>"
        f"<bpmn:completionCondition>{BURN}</bpmn:completionCondition>"
        "</bpmn:multiInstanceLoopCharacteristics><bpmn:script>done = 1</bpmn:script></bpmn:scriptTask>"
        '<bpmn:sequenceFlow id="f2" sourceRef="enter" targetRef="many"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="many" targetRef="after"/>',
    ),
}
# Sites on the task 'after' itself (it becomes ready in the failing step): a due date and a title.
AFTER_SITES = {
    "due": ('camunda:dueDate="str(len(note.center(10**9)))"', ""),
    "title": (
        "",
        '<bpmn:extensionElements><camunda:properties><camunda:property name="title" '
        'value="note.zfill(len(note) * 10**8)"/></camunda:properties></bpmn:extensionElements>',
    ),
}


def _diagram(pid: str, middle: str, after_attrs: str = "", after_body: str = "") -> str:
    if not middle:
        middle = '<bpmn:sequenceFlow id="f2" sourceRef="enter" targetRef="after"/>'
    return HEAD.format(pid=pid) + (
        f'<bpmn:process id="{pid}" name="Feindlich" isExecutable="true">'
        '<bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="enter"/>'
        '<bpmn:userTask id="enter" name="Eingeben" camunda:formKey="note"/>'
        f"{middle}"
        f'<bpmn:userTask id="after" name="Danach" camunda:formKey="note" {after_attrs}>'
        f"{after_body}</bpmn:userTask>"
        '<bpmn:sequenceFlow id="f9" sourceRef="after" targetRef="end"/>'
        '<bpmn:endEvent id="end"/>'
        "</bpmn:process></bpmn:definitions>"
    )


CASES = [
    (kind, element, _diagram(f"h_{kind.replace('-', '_')}", middle))
    for kind, (element, middle) in SITES.items()
]
CASES += [
    (kind, "after", _diagram(f"h_{kind}", "", attrs, body)) for kind, (attrs, body) in AFTER_SITES.items()
]


@pytest.fixture(autouse=True)
def _real_clock():
    yield
    clock.reset()


@pytest.fixture
def po(login, client):
    headers = login("process-owner")
    schema = json.loads((FIXTURES / "note.json").read_text(encoding="utf-8"))
    r = client.put(f"{API}/forms/note", json={"schema": schema}, headers=headers)
    assert r.status_code == 200, r.json
    return headers


@pytest.mark.parametrize(("kind", "element", "xml"), CASES, ids=[c[0] for c in CASES])
def test_each_hostile_site_is_stopped_within_its_budget(app, client, po, kind, element, xml):
    pid = xml.split('process id="', 1)[1].split('"', 1)[0]
    upload_and_deploy(client, po, xml, pid)
    run = start_run(client, po, pid)
    (enter,) = run_tasks(client, po, run["id"])
    sessions = app.extensions["kim"]["sessions"]
    with sessions() as s:
        before = s.get_one(ProcessInstance, run["id"]).lock_version
        tasks_before = s.scalar(select(func.count()).select_from(TaskRecord))

    started = time.perf_counter()
    refused = finish(client, po, enter["id"], {"note": "Hallo"}, expect=409)
    took = time.perf_counter() - started
    print(f"{kind}: refused in {took * 1000:.0f} ms ({refused.get('limit')})")

    assert took < 2.0, took  # stopped by its budget (50 ms per evaluation, 100 ms per step), not by a timeout
    assert refused["type"].endswith("/process-model-error") and refused["element_id"] == element
    assert "auf einen Fehler im Prozessmodell gestoßen" in refused["detail"]
    assert "als Entwurf gespeichert" in refused["detail"] and "Prozessverantwortlichen" in refused["detail"]
    assert "mit diesen Angaben" not in refused["detail"]  # her entries are not blamed
    with sessions() as s:
        task = s.get_one(TaskRecord, enter["id"])
        assert task.status == READY  # nothing of the step was saved
        assert s.get_one(ProcessInstance, run["id"]).lock_version == before
        assert s.scalar(select(func.count()).select_from(TaskRecord)) == tasks_before
        assert get_draft(s, enter["id"]).data == {"note": "Hallo"}  # the entries survive as a draft
        (incident,) = s.scalars(select(ProcessIncident).where(ProcessIncident.process_id == pid)).all()
        assert incident.element_id == element and incident.instance_id == run["id"]
        assert incident.kind == refused["limit"] and incident.kind != "error"

    listed = client.get(f"{API}/processes/incidents", headers=po).json
    assert [(i["process_id"], i["element_id"]) for i in listed] == [(pid, element)]
    assert "gestoppt" in listed[0]["cause"]

    # A second attempt counts up the same incident and keeps the draft.
    finish(client, po, enter["id"], {"note": "Nochmal"}, expect=409)
    with sessions() as s:
        (incident,) = s.scalars(select(ProcessIncident).where(ProcessIncident.process_id == pid)).all()
        assert incident.count == 2 and get_draft(s, enter["id"]).data == {"note": "Nochmal"}
    counted = [
        float(line.rsplit(" ", 1)[1])
        for line in client.get("/metrics").text.splitlines()
        if line.startswith("kim_process_incidents_total{") and f'process="{pid}"' in line
    ]
    assert sum(counted) == 2  # by process and kind (a time limit may show as steps on a fast machine)


def test_a_harmless_process_is_not_touched_by_the_budget(client, po):
    pid = "h_fine"
    middle = (
        '<bpmn:scriptTask id="calc" name="Rechnen"><bpmn:script>'
        "squares = [i * i for i in range(1000)]\ntotal = sum(squares) + len(note * 3)\n"
        "label = f'{note:>10}'.strip() + ' ' + str(total)</bpmn:script></bpmn:scriptTask>"
        '<bpmn:sequenceFlow id="f2" sourceRef="enter" targetRef="calc"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="calc" targetRef="after"/>'
    )
    upload_and_deploy(client, po, _diagram(pid, middle), pid)
    run = start_run(client, po, pid)
    (enter,) = run_tasks(client, po, run["id"])
    done = finish(client, po, enter["id"], {"note": "Hallo"})
    assert [t["bpmn_id"] for t in done["next_tasks"]] == ["after"]
    assert client.get(f"{API}/processes/incidents", headers=po).json == []


def _timer_then(pid: str, condition: str) -> str:
    """start -> timer PT1S -> gateway (``condition`` or default) -> user task 'after' -> end."""
    middle = (
        '<bpmn:intermediateCatchEvent id="wait" name="Kurz warten"><bpmn:timerEventDefinition>'
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1S</bpmn:timeDuration>'
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
        '<bpmn:exclusiveGateway id="gate" name="Weiche" default="f_default"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="enter" targetRef="wait"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="gate"/>'
        '<bpmn:sequenceFlow id="f_burn" sourceRef="gate" targetRef="after">'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression>'
        "</bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="f_default" sourceRef="gate" targetRef="after"/>'
    )
    return _diagram(pid, middle)


def test_a_timer_whose_evaluation_goes_over_budget_is_an_incident_at_once_and_others_fire(
    app, client, po, login
):
    upload_and_deploy(client, po, _timer_then("h_late", BURN), "h_late")
    upload_and_deploy(client, po, _timer_then("h_calm", "len(note) > 100"), "h_calm")
    runs = {}
    for pid in ("h_late", "h_calm"):
        runs[pid] = start_run(client, po, pid)
        (enter,) = run_tasks(client, po, runs[pid]["id"])
        finish(client, po, enter["id"], {"note": "Hallo"})
    sessions = app.extensions["kim"]["sessions"]
    clock.advance(timedelta(seconds=2))
    started = time.perf_counter()
    outcomes = run_due(sessions, owner="s", policy=TimerPolicy(max_attempts=5))
    took = time.perf_counter() - started
    print(f"scheduler: two timers in {took * 1000:.0f} ms")
    assert sorted(o.status for o in outcomes) == ["fired", INCIDENT]  # no retries: it would fail again
    assert took < 2.0
    assert [t["bpmn_id"] for t in run_tasks(client, po, runs["h_calm"]["id"])] == ["after"]
    assert run_tasks(client, po, runs["h_late"]["id"]) == []  # nothing half-done
    (incident,) = client.get(f"{API}/processes/incidents", headers=po).json
    assert incident["process_id"] == "h_late" and incident["element_id"] == "gate"
    assert incident["source"] == "timer" and incident["kind"] in ("time", "steps", "step-time")
    assert "Weiche" in incident["cause"] and "gestoppt" in incident["cause"]
    admin = client.get(f"{API}/incidents", headers=login("admin")).json
    assert [i["bpmn_id"] for i in admin] == ["wait"] and "limit" in admin[0]["last_error"]


@pytest.mark.slow  # the real gunicorn server
def test_while_hostile_completions_run_another_users_completions_are_not_blocked(live_server):
    """On SQLite a step holds the write lock while it evaluates: the budget keeps that hold short, so a
    case manager's completions go through while a process owner's hostile run fails again and again."""
    url, po = live_server.url, live_server.token("process-owner")
    schema = json.loads((FIXTURES / "note.json").read_text(encoding="utf-8"))
    assert requests.put(f"{url}/forms/note", json={"schema": schema}, headers=po).status_code == 200
    xml = CASES[0][2]  # the burning condition
    r = requests.post(
        f"{url}/processes", data=xml.encode(), headers={**po, "Content-Type": "application/xml"}
    )
    assert r.status_code == 201, r.text
    assert requests.post(f"{url}/processes/h_condition/deploy", json={}, headers=po).status_code == 200
    cm = live_server.token("cm-borchen")
    stop = threading.Event()
    hostile_codes: list[int] = []

    def hostile():
        with requests.Session() as s:
            while not stop.is_set():
                run = s.post(f"{url}/processes/h_condition/runs", json={}, headers=po).json()
                (task,) = run["open_tasks"]
                r = s.post(f"{url}/tasks/{task['id']}/complete", json={"data": {"note": "x"}}, headers=po)
                hostile_codes.append(r.status_code)

    attacker = threading.Thread(target=hostile)
    attacker.start()
    latencies = []
    try:
        time.sleep(0.5)
        with requests.Session() as s:
            for _ in range(8):
                case = s.post(
                    f"{url}/cases", json={"municipality": "borchen", "client": CLIENT}, headers=cm
                ).json()
                (task,) = case["open_tasks"]
                started = time.perf_counter()
                r = s.post(f"{url}/tasks/{task['id']}/complete", json={"data": d.FIRST_CONTACT}, headers=cm)
                latencies.append(time.perf_counter() - started)
                assert r.status_code == 200, r.text
        ready = requests.get(f"{url}/ready", timeout=10)
    finally:
        stop.set()
        attacker.join(timeout=30)
    latencies.sort()
    median = latencies[len(latencies) // 2]
    print(
        f"case manager's completions during hostile runs: median {median * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms; hostile attempts {len(hostile_codes)}, all {set(hostile_codes)}"
    )
    assert hostile_codes and set(hostile_codes) == {409}  # refused, never a 5xx
    assert latencies[-1] < 2.0
    assert ready.status_code == 200
