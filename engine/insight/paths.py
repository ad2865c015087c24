"""Which sequence flows an instance took and how long it spent at each element, from its history.

The history table records every finished element with the time it finished. An element became ready
when the element before it on a sequence flow finished, so for each history row the latest earlier row
of the same instance that has a flow into it names the flow taken, and the time between the two is the
time spent at the element (waiting included: a task's time in the inbox, a timer's wait). Rows without
such a predecessor (start events, elements reached through a boundary event's attachment) count as
visits without a duration.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from ..workflow import Graph


@dataclass
class Tally:
    """Counts and durations over many instances of one version."""

    visits: dict[str, int] = field(default_factory=dict)  # bpmn id -> finished how often
    seconds: dict[str, list[float]] = field(default_factory=dict)  # bpmn id -> time spent, per visit
    flows: dict[str, int] = field(default_factory=dict)  # sequence flow id -> taken how often


def walk(
    graph: Graph, rows: Iterable[tuple[str, datetime]], tally: Tally, since: datetime | None = None
) -> None:
    """Add one instance's history (bpmn id, finished at; oldest first) to the tally; rows finished
    before ``since`` only serve as predecessors."""
    incoming = graph.incoming
    seen: list[tuple[str, datetime]] = []
    for bpmn_id, at in rows:
        if bpmn_id not in graph.elements:
            continue
        if since is not None and at < since:
            seen.append((bpmn_id, at))
            continue
        tally.visits[bpmn_id] = tally.visits.get(bpmn_id, 0) + 1
        sources = {f.source: f for f in incoming.get(bpmn_id, ())}
        for prev_id, prev_at in reversed(seen):
            flow = sources.get(prev_id)
            if flow is not None:
                tally.flows[flow.flow_id] = tally.flows.get(flow.flow_id, 0) + 1
                tally.seconds.setdefault(bpmn_id, []).append(max(0.0, (at - prev_at).total_seconds()))
                break
        seen.append((bpmn_id, at))
