"""Keep the live task tree small: record finished tasks, then drop them.

SpiffWorkflow keeps every finished task in the tree, so state size and step cost grow
with a case's age, and once a loop has pushed the tree past depth 1000 (after ~497
loop-backs of a bare loop, 332 evaluations of the lifecycle) the workflow silently
stops. After every step we hand finished BPMN tasks to the history (once each) and
remove the finished tasks the engine no longer needs, re-linking what stays to its
nearest kept ancestor. Kept: live tasks, their direct parents (boundary-event and join
logic look at them), the workflow root, the last task, and finished tasks of a join
that still has a live sibling (parallel joins merge data from them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.util.task import TaskState

from ..clock import offset as clock_offset

RECORDED = "kim_recorded"
TASK_TITLE_KEY = "kim_task_title"  # a title from data (camunda property ``title``), fixed when ready


@dataclass(frozen=True)
class FinishedTask:
    """A finished BPMN element, as the history table records it."""

    task_id: str
    bpmn_id: str
    name: str | None
    task_type: str
    state: str
    lane: str | None
    finished_at: datetime
    data: dict[str, Any] | None


def _is_bpmn_element(task) -> bool:
    return getattr(task.task_spec, "bpmn_id", None) is not None


def collect_finished(workflow, user_data: dict[str, dict]) -> list[FinishedTask]:
    """Finished BPMN tasks not yet recorded, oldest first; marks them recorded."""
    out: list[FinishedTask] = []
    for wf in [workflow, *workflow.subprocesses.values()]:
        for task in wf.tasks.values():
            if not task.has_state(TaskState.FINISHED_MASK) or not _is_bpmn_element(task):
                continue
            if task.internal_data.get(RECORDED):
                continue
            spec = task.task_spec
            if task.state == TaskState.CANCELLED and not spec.manual:
                task.internal_data[RECORDED] = True
                continue
            task.internal_data[RECORDED] = True
            out.append(
                FinishedTask(
                    task_id=str(task.id),
                    bpmn_id=spec.bpmn_id,
                    name=task.internal_data.get(TASK_TITLE_KEY) or spec.bpmn_name,
                    task_type=getattr(spec, "description", None) or type(spec).__name__,
                    state=TaskState.get_name(task.state),
                    lane=getattr(spec, "lane", None),
                    finished_at=datetime.fromtimestamp(task.last_state_change, UTC) + clock_offset(),
                    data=user_data.get(str(task.id)),
                )
            )
    out.sort(key=lambda f: f.finished_at)
    return out


def _prune_one(wf, keep_extra: set) -> None:
    tasks = wf.tasks
    live = [t for t in tasks.values() if not t.has_state(TaskState.FINISHED_MASK)]
    keep = {wf.task_tree.id} | keep_extra
    live_join_specs = {t.task_spec for t in live if isinstance(t.task_spec, UnstructuredJoin)}
    for task in live:
        keep.add(task.id)
        if task._parent is not None:
            keep.add(task._parent)
    if live_join_specs:
        for task in tasks.values():
            if task.task_spec in live_join_specs:
                keep.add(task.id)
                if task._parent is not None:
                    keep.add(task._parent)
    keep &= tasks.keys()
    if len(keep) == len(tasks):
        return

    def nearest_kept(task_id):
        parent_id = tasks[task_id]._parent
        while parent_id is not None and parent_id not in keep:
            parent_id = tasks[parent_id]._parent
        return parent_id

    new_parent = {tid: nearest_kept(tid) for tid in keep}
    children: dict = {tid: [] for tid in keep}
    # Preserve sibling order as it appears in a depth-first walk of the old tree.
    stack = [wf.task_tree.id]
    while stack:
        tid = stack.pop()
        task = tasks[tid]
        if tid in keep and tid != wf.task_tree.id:
            children[new_parent[tid]].append(tid)
        stack.extend(reversed(task._children))
    for tid in keep:
        tasks[tid]._parent = new_parent[tid]
        tasks[tid]._children = children[tid]
    for tid in [t for t in tasks if t not in keep]:
        del tasks[tid]


def prune(workflow) -> None:
    """Drop finished tasks the engine no longer needs, in the workflow and its subprocesses."""
    last = workflow.last_task
    keep_extra = {last.id} if last is not None else set()
    _prune_one(workflow, keep_extra)
    for sp in list(workflow.subprocesses.values()):
        _prune_one(sp, keep_extra)
    # A subprocess whose owning task is gone can never be reached again (nor can its own subprocesses).
    changed = True
    while changed:
        alive = set(workflow.tasks)
        for sp in workflow.subprocesses.values():
            alive |= sp.tasks.keys()
        orphans = [tid for tid in workflow.subprocesses if tid not in alive]
        for task_id in orphans:
            del workflow.subprocesses[task_id]
        changed = bool(orphans)
