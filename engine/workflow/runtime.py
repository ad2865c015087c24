"""Running process instances: start, complete a task, deliver a message.

Every call takes the serialized live state and returns a new one. Between calls the parsed specs are
kept, and the workflow a step leaves behind under its new state text (engine/workflow/kept.py), so the
instance's next step need not restore it. On any engine error the caller gets an EngineFailure and
must not persist anything (the in-memory workflow is discarded).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition as CamundaMessage
from SpiffWorkflow.util.task import TaskState

from ..clock import utcnow
from ..dates import TimerValueError, end_of_day, is_iso_literal, parse_duration
from . import kept, serializer
from .budget import LimitExceeded, engine_call
from .expression_sites import KINDS
from .expressions import SCRIPT_ENGINE
from .graph import diagram_graph
from .parsing import ParsedProcess, parse_diagram
from .prune import TASK_TITLE_KEY, FinishedTask, collect_finished, prune
from .timers import WaitingTimer, waiting_timers

TASK_DUE_KEY = "kim_task_due"
MAX_SETTLE_ROUNDS = 50
# Instances taken up in this process, restored or kept (the scheduler must not load waiting ones).
STATS = {"loads": 0}


class EngineFailure(Exception):
    """The process could not continue (a diagram or data problem at run time).

    ``element_id``/``element_name``: the BPMN element; ``cause``: what went wrong, in German, for the
    process owners; ``limit``: the budget's limit (engine/workflow/budget.py LIMITS) if one stopped
    it, else None; ``site``: the kind of expression (expression_sites.KINDS) where known."""

    def __init__(
        self,
        message: str,
        element_id: str | None = None,
        *,
        element_name: str | None = None,
        cause: str | None = None,
        limit: str | None = None,
        site: str | None = None,
    ):
        super().__init__(message)
        self.element_id = element_id
        self.element_name = element_name
        self.cause = cause or message
        self.limit = limit
        self.site = site


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
    due_at: datetime | None = None


@dataclass
class StepResult:
    """What one engine call produced."""

    state: str
    ready: list[ReadyTask]
    finished: list[FinishedTask]
    completed: bool
    data: dict[str, Any] = field(default_factory=dict)
    timers: list[WaitingTimer] = field(default_factory=list)


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
            text = xml.decode("utf-8") if isinstance(xml, bytes) else xml
            parsed.graph = diagram_graph(text)  # the heat map's projection of each step
            with self._lock:
                if len(self._items) >= self._max:
                    self._items.pop(next(iter(self._items)))
                self._items[key] = parsed
        return parsed


SPEC_CACHE = SpecCache()


def _task_due(task, proc: ParsedProcess) -> datetime | None:
    """The task's due time from camunda:dueDate, fixed when the task first becomes ready.

    A duration counts from then; a date means the end of that Berlin day. A due date that
    cannot be computed (a variable missing) leaves the task without one rather than
    stopping the case; one that goes over its budget (engine/workflow/budget.py) stops the step.
    """
    stored = task._get_internal_data(TASK_DUE_KEY)
    if stored is not None:
        return datetime.fromisoformat(stored) if stored else None
    source = proc.due_dates.get(task.task_spec.bpmn_id)
    due = None
    if source:
        try:
            value = source if is_iso_literal(source) else SCRIPT_ENGINE.evaluate(task, source, site="due")
            text = value.isoformat() if hasattr(value, "isoformat") else str(value)
            due = parse_duration(text).after(utcnow()) if text.upper().startswith("P") else end_of_day(value)
        except LimitExceeded:
            raise
        except (TimerValueError, Exception):  # noqa: BLE001 - a due date never stops a case
            due = None
    task._set_internal_data(**{TASK_DUE_KEY: due.isoformat() if due else ""})
    return due


def _task_title(task, proc: ParsedProcess) -> str | None:
    """The task's title from its data (camunda property ``title``), fixed when it first becomes ready;
    the element's name if it has none or it cannot be computed (a title never stops a case, unless it
    goes over its budget)."""
    stored = task._get_internal_data(TASK_TITLE_KEY)
    if stored is not None:
        return stored or task.task_spec.bpmn_name
    source = proc.titles.get(task.task_spec.bpmn_id)
    title = ""
    if source:
        try:
            title = str(SCRIPT_ENGINE.evaluate(task, source, site="title")).strip()[:200]
        except LimitExceeded:
            raise
        except Exception:  # noqa: BLE001 - a title never stops a case
            title = ""
    task._set_internal_data(**{TASK_TITLE_KEY: title})
    return title or task.task_spec.bpmn_name


def _ready(ready: list, proc: ParsedProcess) -> list[ReadyTask]:
    out = []
    for task in ready:
        if not task.task_spec.manual:
            continue
        spec = task.task_spec
        out.append(
            ReadyTask(
                str(task.id),
                spec.bpmn_id,
                _task_title(task, proc),
                proc.form_keys.get(spec.bpmn_id),
                getattr(spec, "lane", None),
                getattr(spec, "documentation", None),
                type(spec).__name__ != "UserTask",
                _task_due(task, proc),
            )
        )
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


def _settle(workflow: BpmnWorkflow) -> list:
    """Run engine steps until only people's tasks and waits are left.

    A timer found due by the final refresh becomes READY after the engine's loop ended;
    run again so it fires now, not on the next unrelated step.
    """
    for _ in range(MAX_SETTLE_ROUNDS):
        workflow.do_engine_steps()
        ready = workflow.get_tasks(state=TaskState.READY)
        if all(t.task_spec.manual for t in ready):
            return ready
    raise EngineFailure("process error (the process does not come to rest)")


def _advance(workflow: BpmnWorkflow, proc: ParsedProcess, user_data: dict[str, dict]) -> StepResult:
    try:
        ready = _settle(workflow)
        ready_tasks = _ready(ready, proc)
        waits = waiting_timers(workflow)
    except EngineFailure:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure inside a diagram
        raise _failure(exc) from None
    finished = collect_finished(workflow, user_data)
    completed = workflow.is_completed()
    data = _live_data(workflow, ready)
    prune(workflow)
    return StepResult(serializer.dumps(workflow), ready_tasks, finished, completed, data, waits)


def _limit(exc: BaseException | None) -> LimitExceeded | None:
    for _ in range(5):  # SpiffWorkflow may wrap it once or twice
        if exc is None or isinstance(exc, LimitExceeded):
            return exc
        exc = getattr(exc, "exception", None) or exc.__cause__ or exc.__context__
    return None


def _innermost(exc: BaseException) -> str:
    for _ in range(5):
        inner = getattr(exc, "exception", None) or exc.__cause__
        if inner is None:
            break
        exc = inner
    return type(exc).__name__


def _failure(exc: Exception) -> EngineFailure:
    limit = _limit(exc)
    if limit is not None:
        what = KINDS.get(limit.site or "", ("", "Die Auswertung"))[1]
        return EngineFailure(
            f"process error (limit: {limit.limit}) at {limit.element_id}: {limit}",
            limit.element_id,
            element_name=limit.element_name,
            cause=f"{what} an „{limit.element_name or limit.element_id}“ wurde gestoppt: {limit.detail_de}",
            limit=limit.limit,
            site=limit.site,
        )
    task = getattr(exc, "task", None)
    spec = getattr(task, "task_spec", None)
    element = getattr(spec, "bpmn_id", None)
    inner = getattr(exc, "error_type", None) or type(exc).__name__
    timer = exc if isinstance(exc, TimerValueError) else getattr(exc, "__cause__", None)
    if isinstance(timer, TimerValueError):
        inner = f"{inner}: {exc}"
        cause = timer.message_de
    else:  # the error's kind only: its message may quote case data
        cause = f"Fehler bei der Ausführung ({_innermost(exc)})."
    return EngineFailure(
        f"process error ({inner})", element, element_name=getattr(spec, "bpmn_name", None), cause=cause
    )


def start(proc: ParsedProcess, data: dict[str, Any] | None = None) -> StepResult:
    """Start a new instance and run it to its first wait state; ``data`` is the instance's data at
    its start (e.g. a referral's agency and its reminder period)."""
    workflow = BpmnWorkflow(proc.spec, proc.subprocess_specs, script_engine=SCRIPT_ENGINE)
    if data:
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(_copied(data))
    with engine_call():
        return _kept(proc, workflow, _advance(workflow, proc, {}))


def load(proc: ParsedProcess, state: str) -> BpmnWorkflow:
    """Restore an instance from state (engine-internal helper)."""
    STATS["loads"] += 1
    return serializer.loads(state, proc.spec, proc.subprocess_specs)


def _taken(proc: ParsedProcess, state: str) -> BpmnWorkflow:
    """The workflow ``state`` describes, for a step: the one kept after the step that wrote it, else
    restored."""
    workflow = kept.KEPT.take(proc, state)
    if workflow is None:
        return load(proc, state)
    STATS["loads"] += 1
    return workflow


def keep_workflows(entries: int) -> None:
    """How many workflows this process keeps between steps at most (engine/workflow/kept.py; 0: none)."""
    kept.KEPT.max_entries = max(0, entries)
    if not kept.KEPT.max_entries:
        kept.KEPT.clear()


def _kept(proc: ParsedProcess, workflow: BpmnWorkflow, result: StepResult) -> StepResult:
    """Keep the workflow for the instance's next step; the data handed out is then a copy, so nothing
    the caller does with it changes the kept workflow."""
    if kept.KEPT.keep(proc, result.state, workflow):
        result.data = _copied(result.data)
    return result


def _copied(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with its dicts and lists copied all the way down (what else it holds, it shares)."""
    return {k: _copy(v) for k, v in data.items()}


def _copy(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {k: _copy(v) for k, v in value.items()}
    if kind is list:
        return [_copy(v) for v in value]
    return value


def fire_timers(proc: ParsedProcess, state: str) -> StepResult:
    """Fire every timer of the instance that is due on the clock, and advance."""
    workflow = _taken(proc, state)
    with engine_call():
        try:
            workflow.refresh_timers()
        except Exception as exc:  # noqa: BLE001 - any failure inside a diagram
            raise _failure(exc) from None
        return _kept(proc, workflow, _advance(workflow, proc, {}))


def complete(proc: ParsedProcess, state: str, task_id: str, form_data: dict[str, Any]) -> StepResult:
    """Complete a ready user or manual task with form data and advance the instance."""
    workflow = _taken(proc, state)
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except ValueError:
        task = None
    if task is None or task.state != TaskState.READY or not task.task_spec.manual:
        raise TaskNotReady(task_id)
    task.data.update(_copied(form_data))  # the caller's nested values stay the caller's
    with engine_call():
        try:
            task.run()
        except Exception as exc:  # noqa: BLE001 - any failure inside a diagram
            raise _failure(exc) from None
        return _kept(proc, workflow, _advance(workflow, proc, {task_id: form_data}))


def send_message(
    proc: ParsedProcess,
    state: str,
    message_name: str,
    payload: dict[str, Any] | None = None,
    result_var: str | None = None,
) -> StepResult:
    """Deliver a named message to the task waiting for it, then advance; the payload lands in the
    data as ``result_var`` (default: ``<catching element id>_Response``)."""
    workflow = _taken(proc, state)
    target = None
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, MessageEventDefinition) and definition.name == message_name:
            target = definition
            break
    if target is None:
        raise NotWaiting(message_name)
    with engine_call():
        try:
            delivered = message_payload(target, _copied(payload) if payload else payload, result_var)
            workflow.send_event(BpmnEvent(target, delivered))
        except Exception as exc:  # noqa: BLE001 - any failure inside a diagram
            raise _failure(exc) from None
        return _kept(proc, workflow, _advance(workflow, proc, {}))


def message_payload(
    definition: MessageEventDefinition, payload: dict[str, Any] | None, result_var: str | None
) -> dict[str, Any]:
    """The event payload that leaves ``payload`` in the data as ``result_var`` whichever element waits:
    Camunda-flavour catch and boundary events carry {'payload', 'result_var'}, a receive task (the
    plain flavour) merges its payload into the data as it is."""
    if isinstance(definition, CamundaMessage):
        return {"payload": payload or {}, "result_var": result_var}
    return {result_var: payload or {}} if result_var else dict(payload or {})


def task_data(proc: ParsedProcess, state: str, task_id: str) -> dict[str, Any]:
    """A copy of the data a stored task sees."""
    workflow = load(proc, state)
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except ValueError:
        task = None
    return dict(task.data) if task is not None else {}
