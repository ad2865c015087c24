"""Timer events on our clock, with calendar-correct months and every missed cycle.

SpiffWorkflow's own timer definitions read ``datetime.now()``, treat raw ``P6M`` as Python,
add 31 days for a month and catch up one cycle per refresh. After parsing, every timer
definition in a spec is replaced by one of the classes here (``install``), which:

- take a raw ISO 8601 value as the modeler wrote it (``P6M``, ``R6/P1M``, a date) and
  evaluate anything else as a restricted expression that must produce such a value;
- compute the due time once (engine/dates.py) and keep it in the task's internal data;
- compare with engine.clock.utcnow(), so the scheduler and time travel drive them;
- for cycles, spawn one path for every cycle that has fallen due, not just one.

``waiting_timers`` lists what the instance waits for, for the timers table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn.specs.control import BoundaryEventJoin
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.util import PendingBpmnEvent
from SpiffWorkflow.util.task import TaskState

from ..clock import utcnow
from ..dates import Cycle, TimerValueError, is_iso_literal, parse_cycle, parse_duration, parse_moment
from .budget import LimitExceeded
from .literals import cycle_problem

DUE_KEY = "kim_due"
CYCLE_KEY = "kim_cycle"
MAX_CATCH_UP = 1_000  # cycles spawned in one refresh (an unbounded R/PT1S after a year's outage)


@dataclass(frozen=True)
class WaitingTimer:
    """A timer an instance waits on, as the timers table stores it."""

    task_id: str
    bpmn_id: str
    name: str | None
    kind: str  # date | duration | cycle
    due_at: datetime
    remaining: int | None = None  # cycles still to come (-1 unbounded); None for single timers


def timer_value(my_task, expression: str):
    """The timer's ISO value: the raw text if it is one, else the restricted expression's result."""
    text = (expression or "").strip()
    if is_iso_literal(text):
        return text
    value = my_task.workflow.script_engine.evaluate(my_task, text)
    if isinstance(value, (datetime, date)):
        return value
    return str(value)


class _SingleTimer:
    """Shared behaviour of date and duration timers: due once, fires when the clock passes it.
    Subclasses say how the due time is computed (``_compute_due``)."""

    kind = "single"

    if TYPE_CHECKING:  # provided by the SpiffWorkflow definition and the subclass this mixes into
        name: str | None

        def _compute_due(self, my_task) -> datetime: ...

    def due_at(self, my_task) -> datetime:
        due = my_task._get_internal_data(DUE_KEY)
        if due is None:
            moment = self._compute_due(my_task)
            my_task._set_internal_data(**{DUE_KEY: moment.isoformat()})
            return moment
        return datetime.fromisoformat(due)

    def has_fired(self, my_task):
        if not my_task._get_internal_data("event_fired", False) and self.due_at(my_task) <= utcnow():
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)

    def reset(self, my_task):
        my_task.internal_data.pop(DUE_KEY, None)
        super().reset(my_task)  # type: ignore[misc]  # the SpiffWorkflow definition's, next in the MRO

    def details(self, my_task):
        due = my_task._get_internal_data(DUE_KEY)
        return PendingBpmnEvent(self.name, self.__class__.__name__, due)


class KimTimeDate(_SingleTimer, TimeDateEventDefinition):
    kind = "date"

    def _compute_due(self, my_task) -> datetime:
        return parse_moment(timer_value(my_task, self.expression))


class KimDuration(_SingleTimer, DurationTimerEventDefinition):
    kind = "duration"

    def _compute_due(self, my_task) -> datetime:
        return parse_duration(timer_value(my_task, self.expression)).after(utcnow())


class KimCycle(CycleTimerEventDefinition):
    """``R<n>/[start/]<period>``: one path per cycle, each cycle at anchor + k periods."""

    kind = "cycle"

    def _state(self, my_task) -> dict:
        state = my_task._get_internal_data(CYCLE_KEY)
        if state is None:
            value = timer_value(my_task, self.expression)
            computed = not is_iso_literal(self.expression or "")  # literals were bounded at deploy
            try:
                cycle = parse_cycle(value, utcnow())
                problem = cycle_problem(cycle, str(value)) if computed else None
            except TimerValueError as exc:
                if not computed:
                    raise
                problem = exc
            if problem is not None:
                limit = LimitExceeded("cycle", problem.message_de)
                limit.element_id, limit.element_name = my_task.task_spec.bpmn_id, my_task.task_spec.bpmn_name
                limit.site = "cycle"
                raise limit
            state = {
                "total": cycle.total,
                "anchor": cycle.anchor.isoformat(),
                "first": cycle.first,
                "period": cycle.period.text,
                "done": 0,
            }
            my_task._set_internal_data(**{CYCLE_KEY: state})
        return state

    @staticmethod
    def _cycle(state: dict) -> Cycle:
        return Cycle(
            state["total"],
            datetime.fromisoformat(state["anchor"]),
            state["first"],
            parse_duration(state["period"]),
        )

    def next_due(self, my_task) -> datetime | None:
        state = self._state(my_task)
        if state["total"] != -1 and state["done"] >= state["total"]:
            return None
        return self._cycle(state).due(state["done"])

    def update_task(self, my_task):
        state = dict(self._state(my_task))
        cycle, now, spawned = self._cycle(state), utcnow(), 0
        while (
            (state["total"] == -1 or state["done"] < state["total"])
            and cycle.due(state["done"]) <= now
            and spawned < MAX_CATCH_UP
        ):
            state["done"] += 1
            spawned += 1
            for output in my_task.task_spec.outputs:
                child = my_task._add_child(output, TaskState.FUTURE)
                child.task_spec._predict(child, mask=TaskState.NOT_FINISHED_MASK)
                child.task_spec._update(child)
        my_task._set_internal_data(**{CYCLE_KEY: state})
        if state["total"] != -1 and state["done"] >= state["total"]:
            my_task._set_internal_data(event_fired=True)

    def reset(self, my_task):
        my_task.internal_data.pop(CYCLE_KEY, None)
        super().reset(my_task)

    def details(self, my_task):
        due = self.next_due(my_task)
        return PendingBpmnEvent(self.name, self.__class__.__name__, due.isoformat() if due else None)


class KimBoundaryEventJoin(BoundaryEventJoin):
    """Ends a non-interrupting cycle boundary without dropping the paths it already started.

    SpiffWorkflow cancels every waiting boundary event when the activity completes; for a
    cycle that deletes the open tasks it spawned (monthly check-ins vanish when the follow-up
    is done). Here the cycle stops (no further cycles) and its started paths run on.
    """

    def _check_threshold_structured(self, my_task):
        finished, cancel = super()._check_threshold_structured(my_task)
        if not finished:
            return finished, cancel
        kept = []
        for task in cancel:
            spec = task.task_spec
            if (
                isinstance(getattr(spec, "event_definition", None), KimCycle)
                and not spec.cancel_activity
                and task.children
            ):
                task.workflow.top_workflow.event_manager.remove_task(task)
                task._set_state(TaskState.COMPLETED)
            else:
                kept.append(task)
        return finished, kept


_REPLACEMENTS = (
    (CycleTimerEventDefinition, KimCycle),
    (DurationTimerEventDefinition, KimDuration),
    (TimeDateEventDefinition, KimTimeDate),
)


def install(specs) -> None:
    """Replace SpiffWorkflow's timer definitions in parsed specs by ours (in place)."""
    for proc in specs:
        if proc is None:
            continue
        for ts in proc.task_specs.values():
            if type(ts) is BoundaryEventJoin:
                ts.__class__ = KimBoundaryEventJoin
            definition = getattr(ts, "event_definition", None)
            if not isinstance(definition, TimerEventDefinition) or isinstance(
                definition, (KimCycle, KimDuration, KimTimeDate)
            ):
                continue
            for original, ours in _REPLACEMENTS:
                if isinstance(definition, original):
                    ts.event_definition = ours(
                        definition.name, definition.expression, description=definition.description
                    )
                    break


def timer_kind(definition) -> str | None:
    """'date', 'duration' or 'cycle' for a timer definition (ours or SpiffWorkflow's)."""
    for original, ours in _REPLACEMENTS:
        if isinstance(definition, original):
            return ours.kind
    return None


def waiting_timers(workflow) -> list[WaitingTimer]:
    """Every timer the instance waits on, with its next due time."""
    out = []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, KimCycle):
            due = definition.next_due(task)
            if due is None:
                continue
            state = task._get_internal_data(CYCLE_KEY)
            remaining = -1 if state["total"] == -1 else state["total"] - state["done"]
        elif isinstance(definition, _SingleTimer):
            if task._get_internal_data("event_fired", False):
                continue
            due, remaining = definition.due_at(task), None
        else:
            continue
        spec = task.task_spec
        out.append(WaitingTimer(str(task.id), spec.bpmn_id, spec.bpmn_name, definition.kind, due, remaining))
    return out
