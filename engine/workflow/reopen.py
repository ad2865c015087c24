"""Reopening a finished instance at one of its user tasks (a case closed by mistake).

SpiffWorkflow's own reset (``BpmnWorkflow.reset_from_task_id``) needs the task still in the tree,
but a finished instance keeps only its root and last task (prune.py drops everything recorded).
So reopening rebuilds the instance instead: a fresh workflow of the same version is run forward
with the instance's final data, each ready user task completed with that data, until the target
task is ready again. Gateways decide as they did (the final data holds the decisions that led to
the end; a loop ends as it ended), so the path is the one the instance took, without its loop
rounds. The replayed tasks are marked recorded: the history keeps the original steps only, and
nothing the replay did reaches it. Keys in ``drop`` (what the end set, e.g. ``closure_reason``)
are removed from the data first, so the reopened task sees the case as it was before it.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from .expressions import SCRIPT_ENGINE
from .parsing import ParsedProcess
from .prune import RECORDED
from .runtime import EngineFailure, StepResult, _advance, _failure, _settle, load

MAX_REPLAY_STEPS = 200


class NotFinished(Exception):
    """The instance is still running: there is nothing to reopen."""


def final_data(proc: ParsedProcess, state: str) -> dict[str, Any]:
    """The data a finished instance ended with."""
    workflow = load(proc, state)
    data: dict[str, Any] = {}
    if workflow.last_task is not None:
        data.update(workflow.last_task.data)
    data.update(workflow.data)
    return data


def _mark_recorded(workflow: BpmnWorkflow) -> None:
    for wf in [workflow, *workflow.subprocesses.values()]:
        for task in wf.tasks.values():
            if task.has_state(TaskState.FINISHED_MASK):
                task.internal_data[RECORDED] = True


def reopen(proc: ParsedProcess, state: str, target: str, drop: tuple[str, ...] = ()) -> StepResult:
    """The finished instance in ``state`` again waiting at user task ``target`` (its bpmn id).

    Raises NotFinished for a running instance, EngineFailure if the target cannot be reached.
    """
    if not load(proc, state).is_completed():
        raise NotFinished
    data = {k: v for k, v in final_data(proc, state).items() if k not in drop}
    workflow = BpmnWorkflow(proc.spec, proc.subprocess_specs, script_engine=SCRIPT_ENGINE)
    try:
        for _ in range(MAX_REPLAY_STEPS):
            ready = [t for t in _settle(workflow) if t.task_spec.manual]
            if not ready:
                break
            hit = [t for t in ready if t.task_spec.bpmn_id == target]
            if hit:
                hit[0].data.update(data)
                _mark_recorded(workflow)
                return _advance(workflow, proc, {})
            ready[0].data.update(data)
            ready[0].run()
    except EngineFailure:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure inside a diagram: nothing is stored
        raise _failure(exc) from None
    raise EngineFailure(f"process error (task '{target}' is not reached again)", target)
