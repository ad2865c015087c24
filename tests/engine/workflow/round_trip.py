"""Running a diagram's scenario two ways and comparing them after every step.

Through the engine (``engine.workflow``), every step starts from the stored state, so each step is a
save/restore round trip; before each step the state is restored once more and must serialize to the
same text and show the same tasks, timers and completion. Beside it the same steps run on plain,
unpruned SpiffWorkflow kept in memory, never saved: both must offer the same tasks and timers at every
step and end with the same data, so neither the round trips nor the pruning change what a case does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import WorkflowConverter
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.util.task import BpmnTaskIterator
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.util.task import TaskState

from engine import clock
from engine import workflow as wf
from engine.workflow import serializer
from engine.workflow.expressions import SCRIPT_ENGINE
from engine.workflow.runtime import MAX_SETTLE_ROUNDS, message_payload
from engine.workflow.timers import waiting_timers
from engine.workflow.walk import tasks_in_state

REACHED = TaskState.COMPLETED | TaskState.READY | TaskState.WAITING | TaskState.STARTED
# Every single state and every mask SpiffWorkflow names, for comparing the walks (engine/workflow/walk.py).
STATES = [1 << i for i in range(9)] + [
    TaskState.FINISHED_MASK,
    TaskState.DEFINITE_MASK,
    TaskState.PREDICTED_MASK,
    TaskState.NOT_FINISHED_MASK,
    TaskState.ANY_MASK,
    REACHED,
]


@dataclass(frozen=True)
class Complete:
    """A person completes the ready task ``bpmn_id``; with several, the one with the smallest data[pick]."""

    bpmn_id: str
    data: dict[str, Any]
    pick: str | None = None


@dataclass(frozen=True)
class Travel:
    """The clock moves to ``moment`` (aware) and the scheduler fires what is due."""

    moment: datetime


@dataclass(frozen=True)
class Message:
    """A message (e.g. consent withdrawn, an agency's answer) reaches the instance, with its payload
    stored in the data as ``result_var``."""

    name: str
    payload: dict[str, Any] | None = None
    result_var: str | None = None


@dataclass(frozen=True)
class Scenario:
    """Steps through one path of a diagram and what the finished instance's data must hold."""

    steps: list[Complete | Travel | Message]
    expect: dict[str, Any] = field(default_factory=dict)
    start_at: datetime | None = None


@dataclass
class Outcome:
    """How a scenario ended: the engine's last result, the plain workflow, and the flows it took."""

    result: wf.StepResult
    plain: BpmnWorkflow
    nodes: set[str]
    flows: set[tuple[str, str]]


def diagram_flows(proc: wf.ParsedProcess) -> tuple[set[str], set[tuple[str, str]]]:
    """Every flow node of a parsed diagram and every direct connection between two of them."""
    specs = [
        s
        for spec in (proc.spec, *proc.subprocess_specs.values())
        for s in spec.task_specs.values()
        if s.bpmn_id
    ]
    return (
        {s.bpmn_id for s in specs},
        {(s.bpmn_id, o.bpmn_id) for s in specs for o in s.outputs if o.bpmn_id},
    )


def _settle(workflow: BpmnWorkflow) -> None:
    for _ in range(MAX_SETTLE_ROUNDS):
        workflow.do_engine_steps()
        if all(t.task_spec.manual for t in workflow.get_tasks(state=TaskState.READY)):
            return
    raise AssertionError("the plain workflow does not come to rest")


def _plain_ready(workflow: BpmnWorkflow) -> list:
    return workflow.get_tasks(state=TaskState.READY, manual=True)


def _timers(timers) -> list[tuple[str, datetime]]:
    return sorted((t.bpmn_id, t.due_at) for t in timers)


class _SpiffSpeclessConverter(serializer.SpeclessWorkflowConverter):
    """The state format read and written by SpiffWorkflow's own task converters (engine/workflow/serializer.py
    reads and writes the same format with faster ones)."""

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        WorkflowConverter.set_default_attributes(self, workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


SPIFF_SERIALIZER = BpmnWorkflowSerializer(
    BpmnWorkflowSerializer.configure({**CAMUNDA_CONFIG, BpmnWorkflow: _SpiffSpeclessConverter})
)


def spiff_loads(state: str, proc: wf.ParsedProcess) -> BpmnWorkflow:
    """A stored state restored by SpiffWorkflow's own converters."""
    dct = json.loads(state)
    assert dct.pop("format") == serializer.FORMAT
    workflow = SPIFF_SERIALIZER.from_dict(dct, spec=proc.spec, subprocess_specs=proc.subprocess_specs)
    workflow.script_engine = SCRIPT_ENGINE
    return workflow


def spiff_dumps(workflow: BpmnWorkflow) -> str:
    """A workflow written by SpiffWorkflow's own converters, in the stored format."""
    registry = SPIFF_SERIALIZER.registry
    registry._encoder_mode = True
    try:
        dct = SPIFF_SERIALIZER.to_dict(workflow)
        dct["format"] = serializer.FORMAT
        return json.dumps(dct, cls=SPIFF_SERIALIZER._encoder_cls, separators=(",", ":"))
    finally:
        registry._encoder_mode = False


def assert_round_trip(proc: wf.ParsedProcess, result: wf.StepResult) -> None:
    """Restoring the stored state gives back the very same state: same text, tasks, timers, completion;
    and SpiffWorkflow's own converters read it and write the very same text too."""
    restored = serializer.loads(result.state, proc.spec, proc.subprocess_specs)
    assert serializer.dumps(restored) == result.state
    assert spiff_dumps(restored) == result.state
    assert serializer.dumps(spiff_loads(result.state, proc)) == result.state
    assert sorted((str(t.id), t.task_spec.bpmn_id) for t in _plain_ready(restored)) == sorted(
        (t.task_id, t.bpmn_id) for t in result.ready
    )
    assert _timers(waiting_timers(restored)) == _timers(result.timers)
    assert restored.is_completed() == result.completed
    assert_walks_agree(restored)


def library_walk(first, state: int) -> list:
    """SpiffWorkflow's own answer to a state-only query, from ``first`` down."""
    return list(BpmnTaskIterator(first, state=state))


def assert_walks_agree(workflow: BpmnWorkflow) -> None:
    """The cheaper walk finds the very tasks SpiffWorkflow's iterator finds, in its order, for every state
    and mask, from the root and from each subprocess's root."""
    roots = [workflow.task_tree, *(sub.task_tree for sub in workflow.subprocesses.values())]
    for root in roots:
        for state in STATES:
            assert list(tasks_in_state(root, state)) == library_walk(root, state), (root, state)
    assert len(library_walk(workflow.task_tree, TaskState.ANY_MASK)) > 1


def _assert_same(result: wf.StepResult, plain: BpmnWorkflow) -> None:
    assert_walks_agree(plain)
    assert sorted(t.bpmn_id for t in result.ready) == sorted(t.task_spec.bpmn_id for t in _plain_ready(plain))
    ours, theirs = _timers(result.timers), _timers(waiting_timers(plain))
    assert [b for b, _ in ours] == [b for b, _ in theirs]
    # A duration counts from the moment its wait began, a few microseconds apart in the two runs.
    assert all(abs(a - b) < timedelta(seconds=1) for (_, a), (_, b) in zip(ours, theirs, strict=True))
    assert result.completed == plain.is_completed()


def _engine_task(proc, result: wf.StepResult, step: Complete) -> str:
    tasks = [t for t in result.ready if t.bpmn_id == step.bpmn_id]
    assert tasks, f"{step.bpmn_id} is not ready"
    if step.pick is None:
        assert len(tasks) == 1, f"several {step.bpmn_id} ready: say which to pick"
        return tasks[0].task_id
    return min(tasks, key=lambda t: wf.task_data(proc, result.state, t.task_id)[step.pick]).task_id


def _plain_task(plain: BpmnWorkflow, step: Complete):
    tasks = [t for t in _plain_ready(plain) if t.task_spec.bpmn_id == step.bpmn_id]
    return tasks[0] if step.pick is None else min(tasks, key=lambda t: t.data[step.pick])


def _engine_step(proc, result: wf.StepResult, step) -> wf.StepResult:
    if isinstance(step, Complete):
        return wf.complete(proc, result.state, _engine_task(proc, result, step), step.data)
    if isinstance(step, Travel):
        clock.travel_to(step.moment)
        return wf.fire_timers(proc, result.state)
    return wf.send_message(proc, result.state, step.name, step.payload, step.result_var)


def _plain_step(plain: BpmnWorkflow, step) -> None:
    if isinstance(step, Complete):
        task = _plain_task(plain, step)
        task.data.update(step.data)
        task.run()
    elif isinstance(step, Travel):
        plain.refresh_timers()  # the clock already moved for the engine's step
    else:
        # Delivered the way engine.workflow.send_message does it.
        (definition,) = [
            t.task_spec.event_definition
            for t in plain.get_tasks(state=TaskState.WAITING)
            if isinstance(getattr(t.task_spec, "event_definition", None), MessageEventDefinition)
            and t.task_spec.event_definition.name == step.name
        ]
        plain.send_event(BpmnEvent(definition, message_payload(definition, step.payload, step.result_var)))
    _settle(plain)


def _taken(plain: BpmnWorkflow) -> tuple[set[str], set[tuple[str, str]]]:
    done = [t for t in plain.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id]
    return (
        {t.task_spec.bpmn_id for t in done},
        {
            (t.task_spec.bpmn_id, c.task_spec.bpmn_id)
            for t in done
            for c in t.children
            if c.task_spec.bpmn_id and c.has_state(REACHED)
        },
    )


def run(proc: wf.ParsedProcess, scenario: Scenario) -> Outcome:
    """Run ``scenario`` both ways, asserting the round trip and the agreement before and after each step."""
    if scenario.start_at is not None:
        clock.travel_to(scenario.start_at)
    result = wf.start(proc)
    plain = BpmnWorkflow(proc.spec, proc.subprocess_specs, script_engine=SCRIPT_ENGINE)
    _settle(plain)
    for step in scenario.steps:
        assert_round_trip(proc, result)
        _assert_same(result, plain)
        result = _engine_step(proc, result, step)
        _plain_step(plain, step)
        if isinstance(step, Complete):
            assert any(f.bpmn_id == step.bpmn_id and f.data == step.data for f in result.finished)
    assert_round_trip(proc, result)
    _assert_same(result, plain)
    assert result.completed and result.ready == [] and result.timers == []
    assert result.data == plain.data
    for key, value in scenario.expect.items():
        assert result.data[key] == value, key
        assert plain.data[key] == value, key
    return Outcome(result, plain, *_taken(plain))
