"""Hostile diagrams over the real API: each is refused at deploy with the element named, never a 5xx.

Every kind of place where an expression or a date can stand (condition, script, timer date,
duration and cycle, due date, loopCardinality, completionCondition, conditional event) gets
impossible values and code; waits nothing can trigger, calls in a circle, a second executable
process and an over-long chain are refused too. Ids and names that cannot be stored are refused
at upload (422, nothing stored).
"""

from __future__ import annotations

import pytest

from .helpers import API, HEAD

PID = "hostile"
DEEP_SCRIPT = "x = " + "-" * 4800 + "1"


def _diagram(middle: str, *, defs: str = "", more: str = "", pid: str = PID, name: str = "Feindlich") -> str:
    """start -> <middle, id x, or its flows given> -> end, in an executable process."""
    flows = (
        ""
        if 'sourceRef="x"' in middle
        else '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="x"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="x" targetRef="end"/>'
    )
    return (
        HEAD.format(pid=pid)
        + defs
        + f'<bpmn:process id="{pid}" name="{name}" isExecutable="true"><bpmn:startEvent id="start"/>'
        + middle
        + '<bpmn:endEvent id="end"/>'
        + flows
        + "</bpmn:process>"
        + more
        + "</bpmn:definitions>"
    )


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def due(value: str) -> str:
    return _diagram(f'<bpmn:task id="x" name="Ablegen" camunda:dueDate="{_esc(value)}"/>')


def timer(kind: str, value: str) -> str:
    return _diagram(
        f'<bpmn:intermediateCatchEvent id="x" name="Warten"><bpmn:timerEventDefinition id="td">'
        f'<bpmn:{kind} xsi:type="bpmn:tFormalExpression">{_esc(value)}</bpmn:{kind}>'
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    )


def boundary_cycle(value: str) -> str:
    return _diagram(
        '<bpmn:task id="work" name="Arbeiten"/>'
        '<bpmn:boundaryEvent id="x" name="Erinnern" attachedToRef="work" cancelActivity="false">'
        f'<bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">{_esc(value)}'
        "</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>"
        '<bpmn:endEvent id="end2"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="x" targetRef="end2"/>'
    )


def condition(expr: str) -> str:
    return _diagram(
        '<bpmn:exclusiveGateway id="x" name="Weiter?" default="fd"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="x"/>'
        '<bpmn:sequenceFlow id="fc" sourceRef="x" targetRef="end">'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{_esc(expr)}</bpmn:conditionExpression>'
        "</bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="fd" sourceRef="x" targetRef="end"/>'
    )


def script(code: str) -> str:
    return _diagram(
        f'<bpmn:scriptTask id="x" name="Rechnen" scriptFormat="python"><bpmn:script>{_esc(code)}'
        "</bpmn:script></bpmn:scriptTask>"
    )


def multi(cardinality: str = "3", completion: str | None = None) -> str:
    done = (
        f'<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">{_esc(completion)}'
        "</bpmn:completionCondition>"
        if completion is not None
        else ""
    )
    return _diagram(
        '<bpmn:manualTask id="x" name="Mehrfach"><bpmn:multiInstanceLoopCharacteristics>'
        f'<bpmn:loopCardinality xsi:type="bpmn:tFormalExpression">{_esc(cardinality)}</bpmn:loopCardinality>'
        f"{done}</bpmn:multiInstanceLoopCharacteristics></bpmn:manualTask>"
    )


def conditional_event(expr: str) -> str:
    return _diagram(
        '<bpmn:intermediateCatchEvent id="x" name="Sobald"><bpmn:conditionalEventDefinition>'
        f'<bpmn:condition xsi:type="bpmn:tFormalExpression">{_esc(expr)}</bpmn:condition>'
        "</bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>"
    )


def _message_def(name: str = "nobody_sends") -> str:
    return f'<bpmn:message id="m1" name="{name}"/>'


MESSAGE_START = _diagram(
    '<bpmn:manualTask id="t"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="x" targetRef="t"/>'
    '<bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="end"/>',
    defs=_message_def(),
).replace(
    '<bpmn:startEvent id="start"/>',
    '<bpmn:startEvent id="x" name="Nachricht kommt"><bpmn:messageEventDefinition messageRef="m1"/>'
    "</bpmn:startEvent>",
)
SIGNAL_START = MESSAGE_START.replace(_message_def(), '<bpmn:signal id="s1" name="nobody_signals"/>').replace(
    'messageEventDefinition messageRef="m1"', 'signalEventDefinition signalRef="s1"'
)
RECEIVE = _diagram(
    '<bpmn:receiveTask id="x" name="Warten auf Antwort" messageRef="m1"/>', defs=_message_def()
)
MESSAGE_CATCH = _diagram(
    '<bpmn:intermediateCatchEvent id="x" name="Antwort"><bpmn:messageEventDefinition messageRef="m1"/>'
    "</bpmn:intermediateCatchEvent>",
    defs=_message_def(),
)
WITHDRAWAL_ELSEWHERE = _diagram(
    '<bpmn:receiveTask id="x" name="Widerruf abwarten" messageRef="m1"/>',
    defs=_message_def("consent_withdrawn"),
)
SELF_CALL = _diagram(f'<bpmn:callActivity id="x" name="Nochmal" calledElement="{PID}"/>')
MISSING_CALL = _diagram('<bpmn:callActivity id="x" name="Unterprozess" calledElement="gibt_es_nicht"/>')
MUTUAL_CALL = _diagram(
    '<bpmn:callActivity id="x" name="Hin" calledElement="other"/>',
    more='<bpmn:process id="other" isExecutable="false"><bpmn:startEvent id="o_start"/>'
    f'<bpmn:callActivity id="o_call" name="Zurück" calledElement="{PID}"/><bpmn:endEvent id="o_end"/>'
    '<bpmn:sequenceFlow id="o1" sourceRef="o_start" targetRef="o_call"/>'
    '<bpmn:sequenceFlow id="o2" sourceRef="o_call" targetRef="o_end"/></bpmn:process>',
)
SECOND_EXECUTABLE = _diagram(
    '<bpmn:manualTask id="x" name="Harmlos"/>',
    more='<bpmn:process id="second" name="Zweiter" isExecutable="true"><bpmn:startEvent id="s_start"/>'
    '<bpmn:scriptTask id="s_evil" name="Böse"><bpmn:script>__import__("os").system("id")</bpmn:script>'
    '</bpmn:scriptTask><bpmn:endEvent id="s_end"/>'
    '<bpmn:sequenceFlow id="s1" sourceRef="s_start" targetRef="s_evil"/>'
    '<bpmn:sequenceFlow id="s2" sourceRef="s_evil" targetRef="s_end"/></bpmn:process>',
)


def chain(n: int) -> str:
    tasks = "".join(f'<bpmn:manualTask id="t{i}" name="Schritt {i}"/>' for i in range(n))
    flows = "".join(
        f'<bpmn:sequenceFlow id="c{i}" sourceRef="t{i}" targetRef="t{i + 1}"/>' for i in range(n - 1)
    )
    return _diagram(
        tasks
        + flows
        + '<bpmn:manualTask id="x" name="Letzter Schritt"/>'
        + '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="t0"/>'
        + f'<bpmn:sequenceFlow id="f2" sourceRef="t{n - 1}" targetRef="x"/>'
        + '<bpmn:sequenceFlow id="f3" sourceRef="x" targetRef="end"/>'
    )


BAD_DATES = [
    "2026-02-30",
    "2026-13-45",
    "0001-01-01",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+14:00",
]
BAD_DURATIONS = ["P9999999999D", "PT99999999999H", "P0D", "P-1D"]
CODE = ["__import__('os').system('id')", "(lambda: 1)()", "open('/etc/passwd')", "().__class__"]

# (case id, diagram, element named, a fragment of the German message)
CASES = [
    *[
        (f"due {v}", due(v), "x", "Fälligkeit")
        for v in [*BAD_DATES, *BAD_DURATIONS, "R/PT0.001S", "R99999/P1D"]
    ],
    *[(f"due {c}", due(c), "x", "Fälligkeit") for c in CODE],
    *[(f"timeDate {v}", timer("timeDate", v), "x", "Timer (Datum)") for v in [*BAD_DATES, "9999-12-31"]],
    *[(f"timeDuration {v}", timer("timeDuration", v), "x", "Timer (Dauer)") for v in BAD_DURATIONS],
    *[
        (f"timeCycle {v}", timer("timeCycle", v), "x", "Zyklus")
        for v in ["R/PT0.001S", "R99999/P1D", "R5/PT10M", "R/P1D", "R2000/P1D", "R3/0001-01-01/P1D", "R0/P1D"]
    ],
    ("boundary cycle R/PT0.001S", boundary_cycle("R/PT0.001S"), "x", "Zyklus"),
    *[(f"timer {c}", timer("timeDuration", c), "x", "nicht erlaubt") for c in CODE],
    ("empty timer", timer("timeDate", ""), "x", "keinen Wert"),
    *[(f"condition {c}", condition(c), "x", "Bedingung") for c in CODE],
    (
        "condition lambda",
        condition("(lambda: True)()"),
        "x",
        "Anonyme Funktionen (lambda) sind nicht erlaubt",
    ),
    (
        "condition unknown function",
        condition("eval('1')"),
        "x",
        "Die Funktion „eval“ gibt es in Ausdrücken nicht",
    ),
    *[(f"script {c}", script(c), "x", "Skript") for c in CODE],
    ("script import", script("import os"), "x", "Importe"),
    ("script deep", script(DEEP_SCRIPT), "x", "zu tief verschachtelt"),
    ("script too long", script("x = 1\n" * 3000), "x", "zu lang"),
    ("loopCardinality 1000", multi("1000"), "x", "höchstens 100"),
    *[(f"loopCardinality {c}", multi(c), "x", "loopCardinality") for c in CODE],
    *[(f"completionCondition {c}", multi("2", c), "x", "completionCondition") for c in CODE],
    *[(f"conditional event {c}", conditional_event(c), "x", "Bedingungsereignis") for c in CODE],
    ("message start", MESSAGE_START, "x", "nie starten"),
    ("signal start", SIGNAL_START, "x", "Das Signal „nobody_signals“ kommt nie an"),
    ("receive task", RECEIVE, "x", "ewig warten"),
    ("message catch", MESSAGE_CATCH, "x", "ewig warten"),
    ("withdrawal outside the lifecycle", WITHDRAWAL_ELSEWHERE, "x", "consent_withdrawn"),
    ("self call", SELF_CALL, "x", "ihren eigenen Prozess"),
    ("mutual call", MUTUAL_CALL, "x", "im Kreis"),
    ("missing call", MISSING_CALL, "x", "„gibt_es_nicht“"),
    ("second executable", SECOND_EXECUTABLE, "second", "zweiten ausführbaren Prozess"),
    ("second executable's script", SECOND_EXECUTABLE, "s_evil", "nicht erlaubt"),
    ("chain of 500", chain(500), PID, "höchstens 300"),
]


@pytest.fixture
def owner(login):
    return login("process-owner")


def _post(client, owner, path: str, xml: str):
    return client.post(
        f"{API}/processes{path}",
        data=xml.encode("utf-8"),
        headers={**owner, "Content-Type": "application/xml"},
    )


def _named(problems, element_id, fragment):
    return [p for p in problems if p["element_id"] == element_id and fragment in p["message_de"]]


@pytest.mark.parametrize("xml,element_id,fragment", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_diagram_is_refused_with_the_element_named(client, owner, xml, element_id, fragment):
    checked = _post(client, owner, "/validate", xml)
    assert checked.status_code == 200, checked.get_data(as_text=True)[:500]
    assert checked.json["deployable"] is False
    found = _named(checked.json["problems"], element_id, fragment)
    assert found, checked.json["problems"]
    assert found[0]["line"] and found[0]["severity"] == "error" and found[0]["element_name"] is not None
    for p in checked.json["problems"]:
        assert "Der Fälligkeit" not in p["message_de"] and "'Lambda'" not in p["message_de"], p
    stored = _post(client, owner, "", xml)
    assert stored.status_code == 201 and stored.json["deployable"] is False, stored.json
    refused = client.post(
        f"{API}/processes/{stored.json['process_id']}/deploy",
        json={"version": stored.json["version"]},
        headers=owner,
    )
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json", refused.json
    assert _named(refused.json["problems"], element_id, fragment)


def test_a_sound_variant_of_each_kind_deploys(client, owner):
    """The same shapes with sane values pass: the refusals above are about the values."""
    for xml in [
        due("P3D"),
        due("2030-03-31"),
        timer("timeDate", "2030-03-31T09:00"),
        timer("timeDuration", "P6M"),
        timer("timeCycle", "R6/P1M"),
        boundary_cycle("R3/PT1H"),
        condition("1 == 1"),
        script("y = add_days('2026-01-31', 3)"),
        multi("3", "1 == 1"),
        conditional_event("1 == 1"),
    ]:
        r = _post(client, owner, "/validate", xml)
        assert r.status_code == 200 and r.json["problems"] == [] and r.json["deployable"], r.json["problems"]


@pytest.mark.parametrize(
    "xml,fragment",
    [
        (_diagram('<bpmn:manualTask id="x"/>', pid="a/b"), "darf nur Buchstaben"),
        (_diagram('<bpmn:manualTask id="x"/>', pid="1abc"), "darf nur Buchstaben"),
        (_diagram('<bpmn:manualTask id="x"/>', pid="p" * 101), "länger als 100 Zeichen"),
        (_diagram('<bpmn:manualTask id="x"/>', name="N" * 201), "länger als 200 Zeichen"),
    ],
    ids=["slash", "digit first", "id too long", "name too long"],
)
def test_ids_and_names_that_cannot_be_stored_are_refused_at_upload(client, owner, xml, fragment):
    before = client.get(f"{API}/processes", headers=owner).json["items"]
    for path in ("", "/validate"):
        r = _post(client, owner, path, xml)
        assert r.status_code == 422 and fragment in r.json["detail"], r.json
    assert client.get(f"{API}/processes", headers=owner).json["items"] == before


def test_every_blocker_is_listed_at_once(client, owner):
    """A non-executable diagram with several blockers: all of them, not only the first."""
    xml = (
        _diagram(
            '<bpmn:serviceTask id="x" name="Dienst"/>'
            '<bpmn:sendTask id="send" name="Senden"/>'
            '<bpmn:scriptTask id="calc" name="Rechnen"><bpmn:script>(lambda: 1)()</bpmn:script>'
            "</bpmn:scriptTask>"
            '<bpmn:task id="late" name="Spät" camunda:dueDate="2026-02-30"/>'
            '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="x"/>'
            '<bpmn:sequenceFlow id="f2" sourceRef="x" targetRef="send"/>'
            '<bpmn:sequenceFlow id="f3" sourceRef="send" targetRef="calc"/>'
            '<bpmn:sequenceFlow id="f4" sourceRef="calc" targetRef="late"/>'
            '<bpmn:sequenceFlow id="f5" sourceRef="late" targetRef="end"/>'
        )
    ).replace('isExecutable="true"', 'isExecutable="false"')
    problems = _post(client, owner, "/validate", xml).json["problems"]
    named = {p["element_id"] for p in problems}
    assert {PID, "x", "send", "calc", "late"} <= named, problems
    assert any("keinen ausführbaren Prozess" in p["message_de"] for p in problems)


def test_a_schema_violation_is_reported_at_the_line_libxml_names(client, owner):
    xml = _diagram('<bpmn:manualTask id="x"/>').replace(
        '<bpmn:endEvent id="end"/>', '<bpmn:endEvent id="end"/>\n<bpmn:nonsense id="odd"/>\n'
    )
    line = xml.split("\n").index('<bpmn:nonsense id="odd"/>') + 1
    problems = _post(client, owner, "/validate", xml).json["problems"]
    schema = [p for p in problems if "Schema" in p["message_de"]]
    assert schema and schema[0]["line"] == line and "„nonsense“" in schema[0]["message_de"], problems
