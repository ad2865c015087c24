"""The engine's most frequent question, "which tasks are in state S", answered by a cheaper walk.

SpiffWorkflow asks it at least five times per step (``do_engine_steps`` twice per workflow and
subprocess, our ``_settle`` and ``waiting_timers`` once each). Its ``BpmnTaskIterator`` walks the tree
with a list it pops from the front and a depth counter it keeps up to date on every task; that walk
was about 40 % of settling a step. ``tasks_in_state`` walks the same tree in the same order with a
plain stack and yields the same tasks.

The two differ only in the depth limit (``max_depth``, 1000), which the iterator counts and this walk
does not. The iterator's depth never exceeds the number of tasks it has descended into, so a workflow
of fewer tasks than the limit (top level and subprocesses together) can never reach it; larger ones
take SpiffWorkflow's own iterator. tests/engine/workflow/round_trip.py compares both walks, for every
state and mask, before and after every step of every diagram's scenarios, pruned and unpruned.
"""

from __future__ import annotations

from collections.abc import Iterator

from SpiffWorkflow.bpmn.util.subworkflow import BpmnBaseWorkflow
from SpiffWorkflow.util.task import TaskState

MAX_DEPTH = 1000  # BpmnTaskIterator's default depth limit
_LIBRARY_ITERATOR = BpmnBaseWorkflow.get_tasks_iterator


def _min_state(state: int) -> int:
    """The lowest state whose children the iterator visits (TaskIterator.__init__)."""
    if state & TaskState.PREDICTED_MASK:
        return TaskState.MAYBE
    if state & TaskState.DEFINITE_MASK:
        return TaskState.FUTURE
    return TaskState.COMPLETED


def task_count(workflow) -> int:
    """Tasks of the whole instance: its top-level workflow and every subprocess."""
    top = workflow.top_workflow
    return len(top.tasks) + sum(len(sub.tasks) for sub in top.subprocesses.values())


def tasks_in_state(first, state: int) -> Iterator:
    """The tasks in ``state`` (a state or mask) from ``first`` down, in BpmnTaskIterator's order
    (depth first, a subprocess before the children of the task that owns it), without its depth limit."""
    subprocesses = first.workflow.top_workflow.subprocesses
    min_state = _min_state(state)
    skip_finished = state <= TaskState.FINISHED_MASK
    stack = [first]
    while stack:
        task = stack.pop()
        current = task._state
        subprocess = subprocesses.get(task.id)
        if (task._children or subprocess is not None) and (current >= min_state or subprocess is not None):
            tasks = task.workflow.tasks
            following = [tasks.get(child) for child in task._children]
            # The iterator's own condition, kept as it is (a single state is never >= the mask).
            if subprocess is not None and not (current >= TaskState.FINISHED_MASK and skip_finished):
                following.insert(0, subprocess.task_tree)
            stack.extend(reversed(following))
        if current & state:
            yield task


def get_tasks_iterator(self, first_task=None, **kwargs):
    """BpmnBaseWorkflow.get_tasks_iterator: the cheaper walk when only a state is asked for and the
    instance is below the depth limit, else SpiffWorkflow's iterator."""
    if len(kwargs) == 1 and "state" in kwargs and task_count(self) < MAX_DEPTH:
        return tasks_in_state(first_task or self.task_tree, kwargs["state"])
    return _LIBRARY_ITERATOR(self, first_task, **kwargs)


def install() -> None:
    """Answer state-only task queries of every BPMN workflow and subprocess with the cheaper walk."""
    BpmnBaseWorkflow.get_tasks_iterator = get_tasks_iterator
