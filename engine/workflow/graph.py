"""A deployed diagram as a plain graph: its elements and sequence flows (for the process insight).

Read from the stored XML with the same hardened parser as deployment (no entities, no network), once
per content: the graph of a version never changes, so it is cached by the diagram's text hash.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property, lru_cache

from .parsing import _read

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_SKIP = {
    "laneSet",
    "lane",
    "sequenceFlow",
    "dataObject",
    "dataObjectReference",
    "textAnnotation",
    "association",
    "extensionElements",
    "documentation",
    "ioSpecification",
    "property",
    "dataStoreReference",
    "group",
    "category",
}


@dataclass(frozen=True)
class Element:
    bpmn_id: str
    name: str | None
    kind: str  # the BPMN tag: userTask, exclusiveGateway, startEvent, ...


@dataclass(frozen=True)
class Flow:
    flow_id: str
    name: str | None
    source: str
    target: str


@dataclass(frozen=True)
class Graph:
    elements: dict[str, Element]
    flows: tuple[Flow, ...]

    @cached_property
    def incoming(self) -> dict[str, tuple[Flow, ...]]:
        out: dict[str, list[Flow]] = {}
        for flow in self.flows:
            out.setdefault(flow.target, []).append(flow)
        return {k: tuple(v) for k, v in out.items()}


def _walk(container, elements: dict[str, Element], flows: list[Flow]) -> None:
    for child in container:
        if not isinstance(child.tag, str) or not child.tag.startswith("{" + BPMN + "}"):
            continue
        tag = child.tag.split("}", 1)[1]
        ident = child.get("id")
        if tag == "sequenceFlow" and ident:
            flows.append(
                Flow(ident, child.get("name"), child.get("sourceRef", ""), child.get("targetRef", ""))
            )
            continue
        if tag in _SKIP or not ident:
            continue
        elements[ident] = Element(ident, child.get("name"), tag)
        if tag in ("subProcess", "transaction", "adHocSubProcess"):
            _walk(child, elements, flows)


@lru_cache(maxsize=64)
def _graph(digest: str, xml: str) -> Graph:
    root = _read(xml)
    elements: dict[str, Element] = {}
    flows: list[Flow] = []
    for process in root.iter(f"{{{BPMN}}}process"):
        _walk(process, elements, flows)
    return Graph(elements, tuple(flows))


def diagram_graph(xml: str) -> Graph:
    """Elements (tasks, events, gateways, subprocesses and what they hold) and sequence flows."""
    return _graph(hashlib.sha256(xml.encode("utf-8")).hexdigest(), xml)
