"""Moving a running instance to another version of its process.

An instance can move when every element it currently stands in (ready and waiting tasks,
timers, running subprocesses) exists in the new version with the same kind of element and
the same attached events. Moving keeps what the instance has: task ids (so the task
projection and timer rows stay valid), task data and timer due times. Only the predicted
part of the tree (what comes next) is dropped and predicted again from the new version;
finished tasks whose element the new version no longer has are dropped from the live tree
(their history is already recorded).

SpiffWorkflow's own helper (bpmn.util.diff.migrate_workflow) resets every ready and waiting
task, which forgets timer due times and task due dates; that is why this module re-keys the
state by element id instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import EventBasedGateway
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.util.task import TaskState

from . import serializer
from .parsing import ParsedProcess
from .runtime import EngineFailure, StepResult, _advance, _failure, load
from .timers import timer_kind

LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
UPCOMING = TaskState.FUTURE | TaskState.PREDICTED_MASK


@dataclass(frozen=True)
class Blocker:
    """Why an instance cannot move, pinned to the element it stands in."""

    element_id: str | None
    element_name: str | None
    message: str
    message_de: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "element_id": self.element_id,
            "element_name": self.element_name,
            "message": self.message,
            "message_de": self.message_de,
        }


@dataclass(frozen=True)
class OpenTask:
    """A task waiting for a person, with the form it gets in the new version and its data."""

    task_id: str
    bpmn_id: str
    name: str | None
    form_key: str | None
    data: dict[str, Any]


@dataclass
class MigrationCheck:
    """The verdict on moving one instance: blockers (empty: it can move) and its open tasks."""

    blockers: list[Blocker] = field(default_factory=list)
    open_tasks: list[OpenTask] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class MigrationBlocked(Exception):
    """The instance cannot move; ``blockers`` say why."""

    def __init__(self, blockers: list[Blocker]):
        super().__init__("; ".join(b.message for b in blockers))
        self.blockers = blockers


def _element(spec) -> tuple[str | None, str | None]:
    """The BPMN element a spec belongs to (internal specs are named '<element>.<Kind>')."""
    bpmn_id = getattr(spec, "bpmn_id", None)
    if bpmn_id:
        return bpmn_id, getattr(spec, "bpmn_name", None)
    name = spec.name
    return (name.rsplit(".", 1)[0] if "." in name else name), None


def _kind(spec) -> tuple:
    """What must stay the same for a task to move: its spec class, event kind and interruption."""
    definition = getattr(spec, "event_definition", None)
    event = None
    if definition is not None:
        event = timer_kind(definition) or type(definition).__name__
        name = getattr(definition, "name", None)
        if event.endswith(("MessageEventDefinition", "SignalEventDefinition")):
            event = f"{event}:{name}"
    return type(spec).__name__, event, getattr(spec, "cancel_activity", None)


def _attached(spec_set, name: str) -> list[str] | None:
    split = spec_set.task_specs.get(f"{name}.BoundaryEventSplit")
    return sorted(o.name for o in split.outputs) if split is not None else None


def _paths(spec) -> tuple | None:
    """Where a waiting join or event-based gateway depends on its structure: incoming paths of a
    join (it counts the finished ones), outgoing events of an event-based gateway."""
    if isinstance(spec, UnstructuredJoin):
        return tuple(sorted(i.name for i in spec.inputs))
    if isinstance(spec, EventBasedGateway):
        return tuple(sorted(o.name for o in spec.outputs))
    return None


def _workflows(workflow):
    """(sub)workflows of an instance with the name of the spec each runs."""
    yield workflow, None
    for sp in workflow.subprocesses.values():
        yield sp, sp.spec.name


def _new_spec(new: ParsedProcess, sub_name: str | None):
    return new.spec if sub_name is None else new.subprocess_specs.get(sub_name)


def _check_task(task, old_specs, new_specs, blockers: list[Blocker], notes: list[str]) -> None:
    spec = task.task_spec
    element_id, element_name = _element(spec)
    label = element_name or element_id
    target = new_specs.task_specs.get(spec.name) if new_specs is not None else None
    if target is None:
        blockers.append(
            Blocker(
                element_id,
                element_name,
                f"The instance waits in '{label}', which the new version does not have.",
                f"Der Fall steht bei „{label}“; dieses Element gibt es in der neuen Version nicht.",
            )
        )
        return
    if _kind(spec) != _kind(target):
        blockers.append(
            Blocker(
                element_id,
                element_name,
                f"'{label}' is a different kind of element in the new version.",
                f"„{label}“ ist in der neuen Version ein anderes Element (Typ oder Ereignis geändert).",
            )
        )
        return
    if _attached(old_specs, spec.name) != _attached(new_specs, spec.name):
        blockers.append(
            Blocker(
                element_id,
                element_name,
                f"The events attached to '{label}' changed; the instance cannot move while it stands there.",
                f"Die angehefteten Ereignisse an „{label}“ wurden geändert; solange der Fall dort steht, "
                "kann er nicht umziehen.",
            )
        )
        return
    if _paths(spec) != _paths(target):
        blockers.append(
            Blocker(
                element_id,
                element_name,
                f"The paths joined or awaited at '{label}' changed; the instance cannot move while it waits "
                "there.",
                f"Die Wege, die bei „{label}“ zusammenlaufen oder auf die dort gewartet wird, wurden "
                "geändert; "
                "solange der Fall dort wartet, kann er nicht umziehen.",
            )
        )
        return
    old_def, new_def = getattr(spec, "event_definition", None), getattr(target, "event_definition", None)
    if timer_kind(old_def) and getattr(old_def, "expression", None) != getattr(new_def, "expression", None):
        notes.append(
            f"Der laufende Timer „{label}“ behält seine bisherige Fälligkeit; "
            "der neue Wert gilt erst beim nächsten Start."
        )


def _inspect(workflow, old: ParsedProcess, new: ParsedProcess) -> MigrationCheck:
    check = MigrationCheck()
    for wf, sub_name in _workflows(workflow):
        old_specs, new_specs = wf.spec, _new_spec(new, sub_name)
        live = [t for t in wf.tasks.values() if t.has_state(LIVE)]
        if live and new_specs is None:
            check.blockers.append(
                Blocker(
                    sub_name,
                    None,
                    f"The subprocess '{sub_name}' does not exist in the new version.",
                    f"Den Teilprozess „{sub_name}“ gibt es in der neuen Version nicht.",
                )
            )
            continue
        for task in live:
            _check_task(task, old_specs, new_specs, check.blockers, check.notes)
            if task.state == TaskState.READY and task.task_spec.manual:
                spec = task.task_spec
                check.open_tasks.append(
                    OpenTask(
                        str(task.id),
                        spec.bpmn_id,
                        spec.bpmn_name,
                        new.form_keys.get(spec.bpmn_id),
                        dict(task.data),
                    )
                )
    return check


def check_migration(old: ParsedProcess, new: ParsedProcess, state: str) -> MigrationCheck:
    """Whether the instance in ``state`` (running on ``old``) can move to ``new``, and why not."""
    try:
        workflow = load(old, state)
        return _inspect(workflow, old, new)
    except Exception as exc:  # noqa: BLE001 - a state the old version cannot read is a blocker too
        return MigrationCheck(
            [
                Blocker(
                    None,
                    None,
                    f"The instance state cannot be read ({type(exc).__name__}).",
                    "Der gespeicherte Stand des Falls kann nicht gelesen werden.",
                )
            ]
        )


def _drop(wf, task) -> None:
    """Remove a finished task from the tree, handing its children to its parent."""
    parent = task.parent
    for child in task.children:
        child._parent = parent.id if parent is not None else None
        if parent is not None:
            parent._children.insert(parent._children.index(task.id), child.id)
    if parent is not None:
        parent._children.remove(task.id)
    del wf.tasks[task.id]
    if wf.last_task is task:
        wf.last_task = None


def _rekey(workflow, new: ParsedProcess) -> None:
    """Drop predictions and finished tasks the new version has no element for (in place)."""
    for wf, sub_name in list(_workflows(workflow)):
        new_specs = _new_spec(new, sub_name)
        for task in [t for t in wf.tasks.values() if t.has_state(LIVE)]:
            for child in list(task.children):
                if child.has_state(UPCOMING) and not child.triggered:
                    wf._remove_task(child.id)
        for task in list(wf.tasks.values()):
            if task.id not in wf.tasks or task is wf.task_tree:
                continue
            gone = new_specs is None or task.task_spec.name not in new_specs.task_specs
            if gone and task.has_state(TaskState.FINISHED_MASK):
                _drop(wf, task)
    # Finished subprocesses whose spec is gone cannot be restored; nothing runs in them any more.
    for task_id, sp in list(workflow.subprocesses.items()):
        if sp.spec.name not in new.subprocess_specs:
            del workflow.subprocesses[task_id]


def migrate(old: ParsedProcess, new: ParsedProcess, state: str) -> StepResult:
    """Move the instance in ``state`` from ``old`` to ``new`` and advance it on the new version.

    Raises MigrationBlocked if it cannot move, EngineFailure if the new version cannot go on.
    """
    workflow = load(old, state)
    check = _inspect(workflow, old, new)
    if check.blockers:
        raise MigrationBlocked(check.blockers)
    try:
        _rekey(workflow, new)
        moved = serializer.loads(serializer.dumps(workflow), new.spec, new.subprocess_specs)
        for wf, _ in _workflows(moved):
            wf._predict()
    except EngineFailure:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure while moving: nothing is stored
        raise _failure(exc) from None
    return _advance(moved, new, {})
