"""Small diagrams and API steps for the test-run and migration tests."""

from __future__ import annotations

from engine.config import PROJECT_ROOT

API = "/api/v1"
LIFECYCLE = (PROJECT_ROOT / "processes" / "case_lifecycle.bpmn").read_text(encoding="utf-8")

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_{pid}" targetNamespace="https://kim.example/test">\n'
)


def tryout(pid: str = "tryout", *, extra_step: bool = False) -> str:
    """start -> manual task 'call' -> user task 'intake' (form first_contact, lane Koordination) ->
    plain task 'file' (due in 3 days) [-> manual task 'archive'] -> end."""
    last = "archive" if extra_step else "file"
    archive = (
        (
            '<bpmn:manualTask id="archive" name="Archivieren"/>'
            '<bpmn:sequenceFlow id="f5" sourceRef="file" targetRef="archive"/>'
        )
        if extra_step
        else ""
    )
    return (
        HEAD.format(pid=pid)
        + f'''
  <bpmn:process id="{pid}" name="Testprozess" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_cm" name="Case-Management"><bpmn:flowNodeRef>call</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>file</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="lane_coord" name="Koordination"><bpmn:flowNodeRef>intake</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:manualTask id="call" name="Anrufen"/>
    <bpmn:userTask id="intake" name="Erstgespräch" camunda:formKey="first_contact"/>
    <bpmn:task id="file" name="Ablegen" camunda:dueDate="P3D"/>
    {archive}
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="intake"/>
    <bpmn:sequenceFlow id="f3" sourceRef="intake" targetRef="file"/>
    <bpmn:sequenceFlow id="f4" sourceRef="{last}" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
'''
    )


def unsafe_lifecycle(marker: str) -> str:
    """The lifecycle with three conditions that would run code, read files or climb to object."""
    return (
        LIFECYCLE.replace('route == "referral"', f"__import__('os').system('touch {marker}') == 0")
        .replace('route == "accompaniment"', "len(open('/etc/passwd').read()) > 0")
        .replace('data["continue"] == True', "len(().__class__.__mro__) > 0")
    )


def upload(client, headers, xml: str, expect: int = 201) -> dict:
    r = client.post(
        f"{API}/processes", data=xml.encode("utf-8"), headers={**headers, "Content-Type": "application/xml"}
    )
    assert r.status_code == expect, r.json
    return r.json


def deploy(client, headers, pid: str, version: int | None = None, expect: int = 200) -> dict:
    r = client.post(f"{API}/processes/{pid}/deploy", json={"version": version}, headers=headers)
    assert r.status_code == expect, r.json
    return r.json


def upload_and_deploy(client, headers, xml: str, pid: str) -> int:
    version = upload(client, headers, xml)["version"]
    deploy(client, headers, pid, version)
    return version


def start_run(client, headers, pid: str, version: int | None = None, expect: int = 201) -> dict:
    body = {} if version is None else {"version": version}
    r = client.post(f"{API}/processes/{pid}/runs", json=body, headers=headers)
    assert r.status_code == expect, r.json
    return r.json


def run_tasks(client, headers, run_id: int) -> list[dict]:
    r = client.get(f"{API}/tasks?run_id={run_id}", headers=headers)
    assert r.status_code == 200, r.json
    return r.json["items"]


def finish(client, headers, task_id: str, data: dict, expect: int = 200) -> dict:
    r = client.post(f"{API}/tasks/{task_id}/complete", json={"data": data}, headers=headers)
    assert r.status_code == expect, r.json
    return r.json


def migrate(client, headers, pid: str, to_version: int, expect: int = 200, **body) -> dict:
    r = client.post(
        f"{API}/processes/{pid}/migrations", json={"to_version": to_version, **body}, headers=headers
    )
    assert r.status_code == expect, r.json
    return r.json


def waiter(task_name: str = "Nachfassen", pid: str = "waiter") -> str:
    """start -> timer P1D -> user task 'followup' (form note) -> end."""
    return (
        HEAD.format(pid=pid)
        + f'''
  <bpmn:process id="{pid}" name="Warten" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:intermediateCatchEvent id="wait" name="Einen Tag warten"><bpmn:timerEventDefinition>
      <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P1D</bpmn:timeDuration>
    </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:userTask id="followup" name="{task_name}" camunda:formKey="note"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="followup"/>
    <bpmn:sequenceFlow id="f3" sourceRef="followup" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
'''
    )


def add_check_file(xml: str) -> str:
    """The lifecycle with a manual task 'check_file' between the final evaluation and the closure."""
    return xml.replace(
        '<bpmn:sequenceFlow id="flow_final_evaluation_merge" sourceRef="final_evaluation" '
        'targetRef="gw_merge_closure" />',
        '<bpmn:sequenceFlow id="flow_final_evaluation_merge" sourceRef="final_evaluation" '
        'targetRef="check_file" />'
        '<bpmn:manualTask id="check_file" name="Akte prüfen">'
        "<bpmn:incoming>flow_final_evaluation_merge</bpmn:incoming>"
        "<bpmn:outgoing>flow_check_merge</bpmn:outgoing></bpmn:manualTask>"
        '<bpmn:sequenceFlow id="flow_check_merge" sourceRef="check_file" targetRef="gw_merge_closure" />',
    ).replace(
        "<bpmn:incoming>flow_final_evaluation_merge</bpmn:incoming>\n        "
        "<bpmn:outgoing>flow_merge_closure",
        "<bpmn:incoming>flow_check_merge</bpmn:incoming>\n        <bpmn:outgoing>flow_merge_closure",
    )


def rename_element(xml: str, old: str, new: str) -> str:
    """The diagram with element ``old`` replaced by ``new`` (the old element is gone)."""
    return (
        xml.replace(f'id="{old}"', f'id="{new}"')
        .replace(f'targetRef="{old}"', f'targetRef="{new}"')
        .replace(f'sourceRef="{old}"', f'sourceRef="{new}"')
        .replace(f'bpmnElement="{old}"', f'bpmnElement="{new}"')
    )


def parallel(pid: str = "parallel", *, third: bool = False, after: bool = False) -> str:
    """start -> split -> A, B [, C] -> join [-> manual task 'wrap_up'] -> end (user tasks with form note)."""
    branches = ["a", "b"] + (["c"] if third else [])
    tasks = "".join(
        f'<bpmn:userTask id="task_{x}" name="Aufgabe {x.upper()}" camunda:formKey="note"/>'
        f'<bpmn:sequenceFlow id="s_{x}" sourceRef="split" targetRef="task_{x}"/>'
        f'<bpmn:sequenceFlow id="j_{x}" sourceRef="task_{x}" targetRef="join"/>'
        for x in branches
    )
    tail = (
        (
            '<bpmn:manualTask id="wrap_up" name="Abschließen"/>'
            '<bpmn:sequenceFlow id="f2" sourceRef="join" targetRef="wrap_up"/>'
            '<bpmn:sequenceFlow id="f3" sourceRef="wrap_up" targetRef="end"/>'
        )
        if after
        else ('<bpmn:sequenceFlow id="f2" sourceRef="join" targetRef="end"/>')
    )
    return (
        HEAD.format(pid=pid)
        + f'''
  <bpmn:process id="{pid}" name="Parallel" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:parallelGateway id="split"/>
    <bpmn:parallelGateway id="join" name="Zusammenführung"/>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="split"/>
    {tasks}{tail}
  </bpmn:process>
</bpmn:definitions>
'''
    )
