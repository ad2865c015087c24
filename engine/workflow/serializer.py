"""Workflow state (de)serialization without embedded process specs.

SpiffWorkflow's default serializer embeds the whole spec in every instance. Here the
instance JSON carries only the live task tree; the spec comes from the spec cache of
the process version the instance belongs to.

The task converters write and read exactly SpiffWorkflow's task format (``kim-1`` states stored by
its own converters load unchanged, and a state written here is the same JSON they would write), only
cheaper: each task id string becomes one ``UUID`` per load instead of four (its key, its ``id``, its
parent's ``children``, its children's ``parent``), and empty data, internal data and deltas skip the
registry's generic walk. tests/engine/workflow/test_state_format.py compares both byte for byte.

Ids read from a state are ``TaskId``s: UUIDs that keep the text they were read from, so writing the
state back costs no formatting (``UUID.__str__`` was a fifth of writing a state) and reading one no
general-purpose parsing. New tasks get ``TaskId``s as well (``install``: SpiffWorkflow's ``uuid4``
becomes ``new_task_id``), formatted once: a workflow kept between steps (engine/workflow/kept.py) holds
only tasks created in memory, whose ids were otherwise formatted about 80 times per step. They are
equal to, and hash like, plain UUIDs.

The JSON text itself is written and read by engine/workflow/state_json.py: the same text as ``json``.
"""

from __future__ import annotations

import os
import re
from typing import Any
from uuid import UUID, SafeUUID

import SpiffWorkflow.task as spiff_task
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnSubWorkflowConverter,
    BpmnWorkflowConverter,
    TaskConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.task import Task, TaskState
from SpiffWorkflow.util.deep_merge import DeepMerge

from . import state_json
from .expressions import SCRIPT_ENGINE

FORMAT = "kim-1"


_CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class TaskId(UUID):
    """A task id read from a stored state: a UUID that keeps its text (always ``str(UUID(text))``)."""

    __slots__ = ("_text",)
    _text: str
    is_safe = SafeUUID.unknown  # type: ignore[misc]  # as UUID(text) has it (a class value, not a slot)

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"UUID('{self._text}')"

    def __reduce__(self):
        return UUID, (self._text,)  # a copy is a plain UUID, equal to this one


def task_id(text: str) -> UUID:
    """The id written as ``text``: a TaskId if the text is a UUID as ``str`` writes it, else a UUID (which
    refuses what is no UUID)."""
    if _CANONICAL.fullmatch(text) is None:
        return UUID(text)
    return _kept_text(int(text.replace("-", ""), 16), text)


def new_task_id() -> UUID:
    """A random id as ``uuid.uuid4`` makes it (version 4, RFC 4122 variant), keeping its text."""
    value = int.from_bytes(os.urandom(16), "big") & _NOT_VERSION_VARIANT | _VERSION_4_VARIANT
    digits = f"{value:032x}"
    return _kept_text(value, f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}")


def _kept_text(value: int, text: str) -> UUID:
    """The TaskId of ``value`` whose text is ``text`` (the caller's: ``str(UUID(int=value))``)."""
    uid = object.__new__(TaskId)
    object.__setattr__(uid, "int", value)
    object.__setattr__(uid, "_text", text)
    return uid


_NOT_VERSION_VARIANT = ~((0xF000 << 64) | (0xC000 << 48))
_VERSION_4_VARIANT = (4 << 76) | (0x8000 << 48)


def install() -> None:
    """New SpiffWorkflow tasks get their ids from ``new_task_id``."""
    spiff_task.uuid4 = new_task_id


def _uid(text: str, ids: dict[str, UUID]) -> UUID:
    """One id object per id string within a load."""
    found = ids.get(text)
    if found is None:
        found = ids[text] = task_id(text)
    return found


class FastTaskConverter(TaskConverter):
    """SpiffWorkflow's task format (data as a delta against the parent's), written and read directly."""

    def to_dict(self, task):
        parent = task.workflow.tasks.get(task._parent)
        if parent is None:
            data, delta = task.data, {}
        else:
            mine, theirs = task.data, parent.data
            data = {}
            delta = {
                "updates": {k: v for k, v in mine.items() if k not in theirs or v != theirs[k]},
                "deletions": [k for k in theirs if k not in mine],
            }
        internal = task.internal_data
        return {
            "id": str(task.id),
            "parent": str(task._parent) if parent is not None else None,
            "children": [str(child) for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task._state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": self.registry.convert(internal) if internal else {},
            "data": data,
            "delta": delta,
        }

    def from_dict(self, dct, workflow, ids: dict[str, UUID] | None = None):
        ids = {} if ids is None else ids
        restore = self.registry.restore
        task_spec = workflow.spec.task_specs.get(dct["task_spec"])
        task = Task(workflow, task_spec, state=dct["state"], id=_uid(dct["id"], ids))
        parent_id = dct["parent"]
        task._parent = _uid(parent_id, ids) if parent_id is not None else None
        task._children = [_uid(child, ids) for child in dct["children"]]
        task.last_state_change = dct["last_state_change"]
        task.triggered = dct["triggered"]
        internal = dct["internal_data"]
        task.internal_data = restore(internal) if internal else {}
        if isinstance(task_spec, CatchingEvent) and task._state & TaskState.WAITING:
            workflow.top_workflow.event_manager.add_task(task)
        delta = dct.get("delta")
        parent = workflow.tasks.get(task._parent) if delta else None
        if parent is not None:
            data = DeepMerge.merge({}, parent.data)
            updates = delta.get("updates")
            if updates:
                data.update(restore(updates))
            for key in delta.get("deletions", ()):
                data.pop(key, None)
        else:
            data = restore(dct["data"]) if dct["data"] else {}
        task.data = data
        return task


def _tasks_from_dict(workflow, tasks: dict[str, Any], ids: dict[str, UUID]) -> dict[UUID, Task]:
    restore = _TASKS.from_dict
    return {_uid(key, ids): restore(dct, workflow, ids) for key, dct in tasks.items()}


class FastSubWorkflowConverter(BpmnSubWorkflowConverter):
    """An embedded subprocess's tasks through ``FastTaskConverter`` with the load's id cache."""

    def from_dict(self, dct, task, top_workflow):
        ids = getattr(top_workflow, "_kim_ids", None) or {}
        spec = top_workflow.subprocess_specs.get(task.task_spec.spec)
        subprocess = self.target_class(spec, task.id, top_workflow, deserializing=True)
        subprocess.tasks = _tasks_from_dict(subprocess, dct["tasks"], ids)
        subprocess.task_tree = subprocess.tasks.get(_uid(dct["root"], ids))
        self.set_default_attributes(subprocess, dct)
        return subprocess


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Top-level workflow converter that leaves the specs out of the state."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        ids: dict[str, UUID] = {}
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow._kim_ids = ids  # for the subprocesses restored below (FastSubWorkflowConverter)
        try:
            workflow.tasks = _tasks_from_dict(workflow, dct["tasks"], ids)
            workflow.task_tree = workflow.tasks.get(_uid(dct["root"], ids))
            self.set_default_attributes(workflow, dct)
            self.subprocesses_from_dict(dct["subprocesses"], workflow)
        finally:
            del workflow._kim_ids
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _make_serializer() -> BpmnWorkflowSerializer:
    config = dict(CAMUNDA_CONFIG)
    config[BpmnWorkflow] = SpeclessWorkflowConverter
    config[BpmnSubWorkflow] = FastSubWorkflowConverter
    config[Task] = FastTaskConverter
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))
    # A TaskId in data is written as any UUID is (same type name), and read back as one.
    serializer.registry.register(
        TaskId, lambda v: {"value": str(v)}, lambda v: UUID(v["value"]), typename="UUID"
    )
    return serializer


_SERIALIZER = _make_serializer()
_TASKS: FastTaskConverter = _SERIALIZER.registry.convert_from_dict["Task"].args[0].__self__


def _unchecked(dct: dict, into: list | None = None) -> list:
    """What in a workflow's dict (and its subprocesses') may hold other than text, None, booleans and
    small integers: its tasks' times of their last change and their non-empty data, internal data and
    deltas (the rest of a task is what FastTaskConverter.to_dict writes as such), and everything else
    of the workflow."""
    into = [] if into is None else into
    push = into.append
    for key, value in dct.items():
        if key == "tasks":
            times = []
            for task in value.values():
                times.append(task["last_state_change"])
                if task["internal_data"]:
                    push(task["internal_data"])
                if task["data"]:
                    push(task["data"])
                delta = task["delta"]
                if delta and (delta["updates"] or delta["deletions"]):
                    push(delta)
            push(times)
        elif key == "subprocesses":
            for sub in value.values():
                _unchecked(sub, into)
        else:
            push(value)
    return into


def dumps(workflow: BpmnWorkflow) -> str:
    """Serialize a workflow's live state (no spec) to JSON."""
    registry = _SERIALIZER.registry
    registry._encoder_mode = True
    try:
        dct = _SERIALIZER.to_dict(workflow)
        dct["format"] = FORMAT
        return state_json.dumps(dct, _SERIALIZER._encoder_cls, _unchecked(dct))
    finally:
        registry._encoder_mode = False


def loads(state: str, spec, subprocess_specs) -> BpmnWorkflow:
    """Restore a workflow from its state and cached specs; re-attach the safe script engine."""
    dct = state_json.loads(state)
    if dct.pop("format", None) != FORMAT:
        raise ValueError("unknown workflow state format")
    workflow = _SERIALIZER.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)
    # The script engine is not part of the state: always put the restricted one back.
    workflow.script_engine = SCRIPT_ENGINE
    return workflow
