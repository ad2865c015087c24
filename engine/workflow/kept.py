"""Workflows kept in memory after a step, so the same instance's next step need not restore them.

Restoring a workflow from its stored state (``serializer.loads``) is about a third of an engine step.
After a step the in-memory workflow is what its new state text describes; kept here under that very
text (and its parsed process), the next step of an instance whose row holds that text takes the object
instead of restoring it. Any other text finds nothing and is restored as before: the transaction that
wrote the kept text was rolled back, another worker moved the instance on, the process was migrated.
Equal texts describe equal workflows, so the key needs no instance id.

A workflow is kept only when restoring its text would give back the very same values
(``faithful``): its data and internal data hold only text, numbers, booleans, None, lists and dicts
with text keys (a tuple would come back as a list, a float equal to its parent's integer as the
integer), and no event is pending. Taking an entry removes it, so two threads never share an object;
an engine step that fails leaves nothing kept. At most ``max_entries`` per process (the setting
``KIM_KEPT_WORKFLOWS``, 64 by default; least recently kept first out; 0 keeps none): each kept
workflow is a few hundred objects the garbage collector walks, so more entries make every other step
slower.

tests/engine/workflow/test_kept.py runs every diagram's scenarios with and without kept workflows and
compares the states written at every step, byte for byte.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from typing import Any

DEFAULT_ENTRIES = 64
MAX_NODES = 20_000  # values walked per workflow before it counts as too large to check

_LEAF = frozenset({str, int, float, bool, type(None)})


class KeptWorkflows:
    """At most ``max_entries`` workflows by (parsed process, state text)."""

    def __init__(self, max_entries: int = DEFAULT_ENTRIES):
        self.max_entries = max_entries
        self._items: OrderedDict[tuple[int, str], tuple[Any, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0

    def take(self, proc, state: str):
        """The workflow kept for ``state`` of ``proc``, removed from here; None if there is none."""
        if not self._items:
            return None
        with self._lock:
            found = self._items.pop((id(proc), state), None)
        if found is None or found[0] is not proc:
            return None
        self.hits += 1
        return found[1]

    def keep(self, proc, state: str, workflow) -> bool:
        """Keep ``workflow`` as the one ``state`` describes, if restoring would give the same values."""
        if self.max_entries <= 0 or not faithful(workflow):
            return False
        with self._lock:
            self._items[(id(proc), state)] = (proc, workflow)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)
        return True

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


def _plain(values: list, budget: int) -> int:
    """What is left of ``budget`` after walking ``values``; -1 when one holds anything else than
    text, numbers, booleans, None, lists and dicts with text keys."""
    stack = list(values)
    pop, extend = stack.pop, stack.extend
    while stack:
        budget -= 1
        if budget < 0:
            return -1
        item = pop()
        kind = type(item)
        if kind in _LEAF:
            continue
        if kind is dict:
            for key in item:
                if type(key) is not str:
                    return -1
            extend(item.values())
        elif kind is list:
            extend(item)
        else:
            return -1
    return budget


def _same(a, b) -> bool:
    """Equal with the same types all the way down (``1 == 1.0 == True``, ``[1] == [1.0]``)."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return len(a) == len(b) and all(k in b and _same(v, b[k]) for k, v in a.items())
    if type(a) is list:
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is float:
        return a == b or (math.isnan(a) and math.isnan(b))
    return a == b


def faithful(workflow) -> bool:
    """Whether restoring ``workflow``'s state gives back the very values it holds: every task's data
    and internal data, the workflow's data and data objects (subprocesses too) are plain JSON values, a
    value a task inherits unchanged has its parent's type, and no event waits to be delivered."""
    values: list = []
    push = values.append
    for wf in [workflow, *workflow.subprocesses.values()]:
        if getattr(wf, "bpmn_events", None):
            return False
        push(wf.data)
        push(getattr(wf, "data_objects", None))
        push(getattr(wf, "correlations", None))
        tasks = wf.tasks
        for task in tasks.values():
            data = task.data
            push(data)
            push(task.internal_data)
            parent = tasks.get(task._parent)
            if parent is None:
                continue
            theirs = parent.data
            # Stored as a delta: a value equal to the parent's is restored as the parent's.
            for key, value in data.items():
                if key not in theirs:
                    continue
                other, kind = theirs[key], type(value)
                if kind is not type(other):
                    if value == other:
                        return False
                elif (
                    (kind is dict or kind is list)
                    and value is not other
                    and value == other
                    and not _same(value, other)
                ):
                    return False
    return _plain(values, MAX_NODES) >= 0


KEPT = KeptWorkflows()
