"""Every place in a diagram where an expression or a timer value can stand, in every process of the file.

``sites(root)`` walks the XML (not SpiffWorkflow's specs, which exist only for the executable
process and only once parsing succeeded) and yields one ``Site`` per value: a flow's condition
(pinned to the element the flow leaves), a script, a timer's date, duration or cycle, a user
task's ``camunda:dueDate``, a multi-instance ``loopCardinality`` and ``completionCondition``,
a standard loop's ``loopCondition``, a conditional event's ``condition`` and a task's title
(camunda property ``title``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"

# kind -> (English noun, German subject with article)
KINDS = {
    "condition": ("condition", "Die Bedingung"),
    "script": ("script", "Das Skript"),
    "date": ("timer date", "Der Timer (Datum)"),
    "duration": ("timer duration", "Der Timer (Dauer)"),
    "cycle": ("timer cycle", "Der Timer (Zyklus)"),
    "due": ("due date", "Die Fälligkeit"),
    "cardinality": ("multi-instance count (loopCardinality)", "Die Anzahl der Durchläufe (loopCardinality)"),
    "completion": (
        "completion condition (completionCondition)",
        "Die Abschlussbedingung (completionCondition)",
    ),
    "loop": ("loop condition", "Die Schleifenbedingung"),
    "event": ("condition of the conditional event", "Die Bedingung des Bedingungsereignisses"),
    "title": ("task title", "Der Aufgabentitel"),
}
TIMER_KINDS = {"date", "duration", "cycle", "due"}
_TIMER_TAGS = {"timeDate": "date", "timeDuration": "duration", "timeCycle": "cycle"}
_DUE_TAGS = ("userTask", "manualTask", "task")


def _q(tag: str) -> str:
    return f"{{{BPMN_NS}}}{tag}"


@dataclass(frozen=True)
class Site:
    """One expression or timer value: where it stands, what kind it is, its text."""

    element_id: str | None
    kind: str
    source: str
    line: int | None


def _owner(el):
    """The element a value belongs to: the event or activity, not its event definition or loop."""
    el = el.getparent()
    while el is not None and (
        not el.get("id") or el.tag.endswith("EventDefinition") or el.tag.endswith("LoopCharacteristics")
    ):
        el = el.getparent()
    return el


def _site(owner, kind: str, text: str | None, line: int | None) -> Site:
    return Site(owner.get("id") if owner is not None else None, kind, (text or "").strip(), line)


def sites(root) -> Iterator[Site]:
    """Every expression and timer value in the file, in document order."""
    by_id = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    for el in root.iter():
        if not isinstance(el.tag, str) or not el.tag.startswith(f"{{{BPMN_NS}}}"):
            continue
        tag = el.tag.split("}", 1)[1]
        if tag == "conditionExpression":
            flow = el.getparent()
            source = by_id.get(flow.get("sourceRef"), flow)
            yield _site(source, "condition", el.text, el.sourceline)
        elif tag == "script" and el.getparent().tag == _q("scriptTask"):
            yield _site(el.getparent(), "script", el.text, el.sourceline)
        elif tag in _TIMER_TAGS:
            yield _site(_owner(el), _TIMER_TAGS[tag], el.text, el.sourceline)
        elif tag == "timerEventDefinition" and not any(el.find(_q(t)) is not None for t in _TIMER_TAGS):
            yield _site(_owner(el), "date", "", el.sourceline)
        elif tag in _DUE_TAGS:
            if (el.get(f"{{{CAMUNDA_NS}}}dueDate") or "").strip():
                yield _site(el, "due", el.get(f"{{{CAMUNDA_NS}}}dueDate"), el.sourceline)
            yield from _titles(el)
        elif tag == "loopCardinality":
            yield _site(_owner(el), "cardinality", el.text, el.sourceline)
        elif tag == "completionCondition":
            yield _site(_owner(el), "completion", el.text, el.sourceline)
        elif tag == "loopCondition":
            yield _site(_owner(el), "loop", el.text, el.sourceline)
        elif tag == "condition" and el.getparent().tag == _q("conditionalEventDefinition"):
            yield _site(_owner(el), "event", el.text, el.sourceline)


def _titles(task) -> Iterator[Site]:
    """A task title from data: the camunda property ``title`` of a user or manual task, an expression
    evaluated when the task becomes ready (``'Rückmeldung ' + month_label(checkin_due)``)."""
    path = f"{_q('extensionElements')}/{{{CAMUNDA_NS}}}properties/{{{CAMUNDA_NS}}}property"
    for prop in task.iterfind(path):
        if prop.get("name") == "title":
            yield _site(task, "title", prop.get("value"), prop.sourceline)
