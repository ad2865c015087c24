"""Running process instances: start, complete a task, deliver a message.

Every call takes the serialized live state and returns a new one; nothing is kept
between calls but the parsed specs. On any engine error the caller gets an
EngineFailure and must not persist anything (the in-memory workflow is discarded).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable
from uuid import UUID

from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from . import serializer
from .expressions import SCRIPT_ENGINE
from .parsing import ParsedProcess, parse_diagram
from .prune import FinishedTask, collect_finished, prune


class EngineFailure(Exception):
    """The process could not continue (a diagram or data problem at run time)."""

    def __init__(self, message: str, element_id: str | None = None):
        super().__init__(message)
        self.element_id = element_id


class TaskNotReady(Exception):
    """The task does not exist in the instance or is not ready any more."""


class NotWaiting(Exception):
    """The instance does not wait for the given message."""


@dataclass(frozen=True)
class ReadyTask:
    """A task waiting for a person."""

    task_id: str
    bpmn_id: str
    name: str | None
    form_key: str | None
    lane: str | None
    documentation: str | None
    manual: bool


@dataclass
class StepResult:
    """What one engine call produced."""

    state: str
    ready: list[ReadyTask]
    finished: list[FinishedTask]
    completed: bool
    data: dict[str, Any] = field(default_factory=dict)


class SpecCache:
    """Parsed specs per process version; instances store only a version reference."""

    def __init__(self, max_entries: int = 256):
        self._items: dict[Any, ParsedProcess] = {}
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key, load_xml: Callable[[], tuple[bytes | str, str]]) -> ParsedProcess:
        """The parsed process for ``key``; ``load_xml`` returns (xml, process_id) on a miss."""
        parsed = self._items.get(key)
        if parsed is None:
            xml, process_id = load_xml()
            parsed = parse_diagram(xml, process_id)
            with self._lock:
                if len(self._items) >= self._max:
                    self._items.pop(next(iter(self._items)))
                self._items[key] = parsed
        return parsed


SPEC_CACHE = SpecCache()


def _ready(ready: list, proc: ParsedProcess) -> list[ReadyTask]:
    out = []
    for task in ready:
        if not task.task_spec.manual:
            continue
        spec = task.task_spec
        out.append(ReadyTask(str(task.id), spec.bpmn_id, spec.bpmn_name,
                             proc.form_keys.get(spec.bpmn_id), getattr(spec, "lane", None),
                             getattr(spec, "documentation", None),
                             type(spec).__name__ != "UserTask"))
    return out


def _live_data(workflow: BpmnWorkflow, ready: list) -> dict[str, Any]:
    """The newest process data: a ready task's if any, else the last task's and the result."""
    data: dict[str, Any] = {}
    if workflow.last_task is not None:
        data.update(workflow.last_task.data)
    data.update(workflow.data)
    if ready:
        data.update(ready[0].data)
    return data


def _advance(workflow: BpmnWorkflow, proc: ParsedProcess, user_data: dict[str, dict]) -> StepResult:
    try:
        workflow.do_engine_steps()
    except Exception as exc:  # noqa: BLE001 - any failure inside a diagram
        raise _failure(exc) from None
    finished = collect_finished(workflow, user_data)
    completed = workflow.is_completed()
    ready = workflow.get_tasks(state=TaskState.READY)
    data = _live_data(workflow, ready)
    prune(workflow)
    return StepResult(serializer.dumps(workflow), _ready(ready, proc), finished, completed, data)


def _failure(exc: Exception) -> EngineFailure:
    task = getattr(exc, "task", None)
    element = getattr(getattr(task, "task_spec", None), "bpmn_id", None)
    inner = getattr(exc, "error_type", None) or type(exc).__name__
    return EngineFailure(f"process error ({inner})", element)


def start(proc: ParsedProcess) -> StepResult:
    """Start a new instance and run it to its first wait state."""
    workflow = BpmnWorkflow(proc.spec, proc.subprocess_specs, script_engine=SCRIPT_ENGINE)
    return _advance(workflow, proc, {})


def load(proc: ParsedProcess, state: str) -> BpmnWorkflow:
    """Restore an instance from state (engine-internal helper)."""
    return serializer.loads(state, proc.spec, proc.subprocess_specs)


def complete(proc: ParsedProcess, state: str, task_id: str, form_data: dict[str, Any]) -> StepResult:
    """Complete a ready user or manual task with form data and advance the instance."""
    workflow = load(proc, state)
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except ValueError:
        task = None
    if task is None or task.state != TaskState.READY or not task.task_spec.manual:
        raise TaskNotReady(task_id)
    task.data.update(form_data)
    try:
        task.run()
    except Exception as exc:  # noqa: BLE001 - any failure inside a diagram
        raise _failure(exc) from None
    return _advance(workflow, proc, {task_id: form_data})


def send_message(proc: ParsedProcess, state: str, message_name: str,
                 payload: dict[str, Any] | None = None) -> StepResult:
    """Deliver a named message to the task waiting for it, then advance."""
    workflow = load(proc, state)
    target = None
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, MessageEventDefinition) and definition.name == message_name:
            target = definition
            break
    if target is None:
        raise NotWaiting(message_name)
    try:
        # Camunda-flavour message events carry {'payload', 'result_var'}.
        workflow.send_event(BpmnEvent(target, {"payload": payload or {}, "result_var": None}))
    except Exception as exc:  # noqa: BLE001 - any failure inside a diagram
        raise _failure(exc) from None
    return _advance(workflow, proc, {})


def task_data(proc: ParsedProcess, state: str, task_id: str) -> dict[str, Any]:
    """A copy of the data a stored task sees."""
    workflow = load(proc, state)
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except ValueError:
        task = None
    return dict(task.data) if task is not None else {}
