"""The process history as a person reads it: tasks and named milestones by name, never internal ids.

The history table records every finished BPMN element, gateways and unnamed events included, with
SpiffWorkflow's description of its kind ("Exclusive Gateway", "Default Start Event", "User Task").
Every page and API that shows a history to a person decides here what to show:
- gateways are left out (a branch is visible from the task before it and the one after it);
- tasks people work on are shown by their name, or by the word "Aufgabe" if the diagram gave none;
- events and automatic steps (script, service, call activity) are shown only when the diagram names
  them ("Kontakt aufgenommen", "Sechs Monate vergangen"), by that name.
The element id (``gw_merge_eval``) is never a title.
Besides the process steps, the history holds who took over a task from a colleague
(engine/tasks/assign.take_over): kind ``TAKE_OVER_KIND``, shown by its line, "Zuständigkeit gewechselt".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from .vocabulary import label

TASK_KINDS = {"User Task", "Manual Task", "Task"}
TAKE_OVER_KIND = "Task Take-over"  # not a SpiffWorkflow kind: written by the engine, not by a step


class Entry(Protocol):
    """What a history row offers (engine.instances.models.HistoryEntry)."""

    name: str | None
    kind: str
    state: str


def kind_of(entry: Entry) -> str:
    """The kind of element as people tell them apart: task, event, gateway or (automatic) step."""
    kind = entry.kind or ""
    if kind == TAKE_OVER_KIND:
        return "assignment"
    if kind.endswith("Gateway"):
        return "gateway"
    if kind in TASK_KINDS:
        return "task"
    if kind.endswith("Event"):
        return "event"
    return "step"


def shown(entry: Entry) -> bool:
    """Whether a person reads this entry in a case's history."""
    kind = kind_of(entry)
    if kind == "gateway":
        return False
    return kind == "task" or bool((entry.name or "").strip())


def title(entry: Entry) -> str:
    """The entry's human name (never its element id)."""
    name = (entry.name or "").strip()
    return name or label("history.kind", kind_of(entry))


def state_label(entry: Entry) -> str:
    """What happened to the entry: a task was done or cancelled, an event occurred, a task changed hands."""
    kind = kind_of(entry)
    if kind == "assignment":
        return label("history.assignment_state", entry.state)
    vocabulary = "history.event_state" if kind == "event" else "history.state"
    return label(vocabulary, entry.state)


@dataclass(frozen=True)
class Line:
    """One line of a readable history, with the row it came from."""

    entry: Any
    title: str
    state: str
    kind: str
    kind_label: str


def readable(entries: list) -> list[Line]:
    """The entries a person reads, in their order, each with its title and labels."""
    return [
        Line(e, title(e), state_label(e), kind_of(e), label("history.kind", kind_of(e)))
        for e in entries
        if shown(e)
    ]
