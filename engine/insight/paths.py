"""Which sequence flows an instance took and how long it spent at each element, from its history.

The history table records every finished element with the time it finished. An element became ready
when the element before it on a sequence flow finished, so for each history row the latest earlier row
of the same instance that has a flow into it names the flow taken, and the time between the two is the
time spent at the element (waiting included: a task's time in the inbox, a timer's wait). Rows without
such a predecessor (start events, elements reached through a boundary event's attachment) count as
visits without a duration.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from ..workflow import Graph


@dataclass
class Tally:
    """Counts and durations over many instances of one version."""

    visits: dict[str, int] = field(default_factory=dict)  # bpmn id -> finished how often
    seconds: dict[str, list[float]] = field(default_factory=dict)  # bpmn id -> time spent, per visit
    flows: dict[str, int] = field(default_factory=dict)  # sequence flow id -> taken how often


def attribute(
    graph: Graph, rows: Iterable[tuple[str, datetime]], seen: list[tuple[str, datetime]] | None = None
) -> Iterator[tuple[str, datetime, str | None, float | None]]:
    """(bpmn id, finished at, flow taken into it, seconds spent there) for each row of one instance's
    history (oldest first) that is an element of the diagram; ``seen``: the instance's earlier rows
    (extended in place). Flow and seconds are None when no earlier element has a flow into it."""
    incoming = graph.incoming
    seen = [] if seen is None else seen
    for bpmn_id, at in rows:
        if bpmn_id not in graph.elements:
            continue
        sources = {f.source: f for f in incoming.get(bpmn_id, ())}
        flow_id, seconds = None, None
        for prev_id, prev_at in reversed(seen):
            flow = sources.get(prev_id)
            if flow is not None:
                flow_id, seconds = flow.flow_id, max(0.0, (at - prev_at).total_seconds())
                break
        seen.append((bpmn_id, at))
        yield bpmn_id, at, flow_id, seconds


def count(tally: Tally, bpmn_id: str, flow_id: str | None, seconds: float | None) -> None:
    """Add one visit (with the flow taken and the time spent, if known) to the tally."""
    tally.visits[bpmn_id] = tally.visits.get(bpmn_id, 0) + 1
    if flow_id is not None and seconds is not None:
        tally.flows[flow_id] = tally.flows.get(flow_id, 0) + 1
        tally.seconds.setdefault(bpmn_id, []).append(seconds)


def walk(
    graph: Graph, rows: Iterable[tuple[str, datetime]], tally: Tally, since: datetime | None = None
) -> None:
    """Add one instance's history (bpmn id, finished at; oldest first) to the tally; rows finished
    before ``since`` only serve as predecessors."""
    for bpmn_id, at, flow_id, seconds in attribute(graph, rows):
        if since is None or at >= since:
            count(tally, bpmn_id, flow_id, seconds)
