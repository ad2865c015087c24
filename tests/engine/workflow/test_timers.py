"""Timer events on the engine clock: raw ISO values, calendar months, missed cycles, the cycle trap."""

from datetime import UTC, datetime, timedelta

import pytest

from engine import clock
from engine.workflow import DiagramError, complete, fire_timers, parse_diagram, start
from tests.engine.timers.helpers import FIXTURES


@pytest.fixture(autouse=True)
def _real_clock():
    yield
    clock.reset()


def _at(*args):
    return clock.travel_to(datetime(*args, tzinfo=UTC))


def _diagram(timer_xml: str, *, boundary: bool = False) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  id="d" targetNamespace="http://kim.nrw/test">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="set"/>
    <bpmn:scriptTask id="set"><bpmn:script>start_date = "2025-01-31"</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="set" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>{timer_xml}</bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="task"/>
    <bpmn:userTask id="task" camunda:formKey="note"/>
    <bpmn:sequenceFlow id="f4" sourceRef="task" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>""".encode()


def _ids(result):
    return sorted(t.bpmn_id for t in result.ready)


@pytest.mark.parametrize(
    "timer, due",
    [
        ("<bpmn:timeDuration>P6M</bpmn:timeDuration>", "2025-07-31"),  # raw, as modelers write it
        ('<bpmn:timeDuration>"P6M"</bpmn:timeDuration>', "2025-07-31"),  # quoted Python string
        ("<bpmn:timeDate>add_months(start_date, 6)</bpmn:timeDate>", "2025-07-31"),
        ("<bpmn:timeDate>2025-07-31T00:00:00+02:00</bpmn:timeDate>", "2025-07-31"),
    ],
)
def test_single_timers_fire_on_the_clock_not_before(timer, due):
    proc = parse_diagram(_diagram(timer), "p")
    _at(2025, 1, 30, 23, 0)  # 31 Jan 00:00 in Berlin
    result = start(proc)
    (waiting,) = result.timers
    assert waiting.due_at.astimezone(clock.BERLIN).date().isoformat() == due
    clock.travel_to(waiting.due_at - timedelta(seconds=1))
    assert _ids(fire_timers(proc, result.state)) == []
    clock.travel_to(waiting.due_at)
    fired = fire_timers(proc, result.state)
    assert _ids(fired) == ["task"] and fired.timers == []
    assert [f.bpmn_id for f in fired.finished if f.bpmn_id == "wait"] == ["wait"]


def test_short_duration_timer_pt2s():
    proc = parse_diagram(_diagram("<bpmn:timeDuration>PT2S</bpmn:timeDuration>"), "p")
    result = start(proc)
    clock.advance(timedelta(seconds=2))
    assert _ids(fire_timers(proc, result.state)) == ["task"]


def test_every_missed_cycle_spawns_its_own_task_and_open_ones_survive_the_activity():
    proc = parse_diagram((FIXTURES / "timer_cycle.bpmn").read_bytes(), "timer_cycle")
    _at(2025, 1, 31, 10)
    result = start(proc)
    assert result.timers[0].kind == "cycle" and result.timers[0].remaining == 3
    _at(2025, 4, 1, 10)  # down since January: 28 Feb and 31 Mar were missed
    result = fire_timers(proc, result.state)
    assert _ids(result) == ["checkin", "checkin", "long_task"]
    assert result.timers[0].remaining == 1
    assert result.timers[0].due_at.astimezone(clock.BERLIN).date().isoformat() == "2025-04-30"
    main = next(t for t in result.ready if t.bpmn_id == "long_task")
    assert main.due_at is not None
    result = complete(proc, result.state, main.task_id, {})
    # SpiffWorkflow would drop the two open check-ins here; they stay, and no more are spawned.
    assert _ids(result) == ["checkin", "checkin"] and result.timers == [] and not result.completed
    _at(2025, 6, 1, 10)
    result = fire_timers(proc, result.state)
    assert _ids(result) == ["checkin", "checkin"]
    for task in list(result.ready):
        result = complete(proc, result.state, task.task_id, {})
    assert result.completed


def test_due_dates_count_from_task_creation():
    proc = parse_diagram((FIXTURES / "timer_cycle.bpmn").read_bytes(), "timer_cycle")
    now = _at(2025, 3, 1, 12)
    (task,) = start(proc).ready
    assert abs(task.due_at - (now + timedelta(days=14))) < timedelta(seconds=5)


@pytest.mark.parametrize(
    "timer",
    [
        "<bpmn:timeDuration>P6X</bpmn:timeDuration>",
        "<bpmn:timeCycle>R0/P1M</bpmn:timeCycle>",
        "<bpmn:timeDuration>__import__('os').system('true')</bpmn:timeDuration>",
        "<bpmn:timeDate>open('/etc/passwd').read()</bpmn:timeDate>",
        "<bpmn:timeDuration></bpmn:timeDuration>",
    ],
)
def test_invalid_or_unsafe_timers_are_refused_at_parse_time(timer):
    with pytest.raises(DiagramError) as err:
        parse_diagram(_diagram(timer), "p")
    assert err.value.problems[0].element_id == "wait"
    assert err.value.problems[0].message_de
