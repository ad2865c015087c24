"""What is checked at deploy on the XML of every process in the file, before SpiffWorkflow parses it.

Each check returns every problem it finds (never only the first), pinned to its element:

- ``expression_problems``: every expression and timer value (expression_sites.py) passes the
  evaluator's static check; raw dates, durations and cycles parse and stay in bounds (literals.py);
- ``call_problems``: a call activity calls a process of this file, and no process calls itself,
  directly or through others (an instance would never end);
- ``trigger_problems``: a message or signal start event, receive task or catch event waits for
  something that is thrown in this file or sent by the engine (messages.ENGINE_MESSAGES);
- ``executable_problems``: exactly one executable process (others only if it calls them);
- ``size_problems``: at most ``MAX_FLOW_NODES`` elements per process (deeper chains exhaust the
  parser's recursion, and no real process comes close).
"""

from __future__ import annotations

from ..dates import TimerValueError, is_iso_literal
from .expression_reasons import reason
from .expression_sites import KINDS, TIMER_KINDS, Site, sites
from .expressions import UnsafeExpression, compile_expression, compile_script
from .literals import check_cardinality, check_literal
from .messages import ENGINE_MESSAGES
from .problems import DiagramProblem, Locator

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
MAX_FLOW_NODES = 300
_FLOW_NODES = {
    "task",
    "userTask",
    "manualTask",
    "scriptTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "businessRuleTask",
    "callActivity",
    "subProcess",
    "transaction",
    "adHocSubProcess",
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "complexGateway",
}


def _q(tag: str) -> str:
    return f"{{{BPMN_NS}}}{tag}"


def _local(el) -> str:
    return el.tag.split("}", 1)[1] if isinstance(el.tag, str) and "}" in el.tag else ""


def _shown(source: str) -> str:
    flat = " ".join(source.split())
    return flat if len(flat) <= 60 else flat[:57] + "…"


def _expression_problem(site: Site, exc: UnsafeExpression, loc: Locator) -> DiagramProblem:
    noun_en, subject_de = KINDS[site.kind]
    shown = _shown(site.source)
    if "${" in site.source or "#{" in site.source:
        return loc.problem(
            f"The {noun_en} '{shown}' is a Camunda expression (${{...}}); write a Python expression over "
            "the process data instead, e.g. approved == True.",
            f"{subject_de} „{shown}“ ist ein Camunda-Ausdruck (${{...}}); hier gelten Python-Ausdrücke "
            "über die Prozessdaten, z. B. approved == True.",
            site.element_id,
            site.line,
        )
    why_en, why_de = reason(exc)
    return loc.problem(
        f"The {noun_en} '{shown}' is not allowed: {why_en}.",
        f"{subject_de} „{shown}“ ist nicht erlaubt: {why_de}.",
        site.element_id,
        site.line,
    )


def _value_problem(site: Site, exc: TimerValueError, loc: Locator) -> DiagramProblem:
    noun_en, subject_de = KINDS[site.kind]
    return loc.problem(
        f"The {noun_en} is invalid: {exc}",
        f"{subject_de} ist ungültig: {exc.message_de}",
        site.element_id,
        site.line,
    )


def check_site(site: Site, loc: Locator) -> DiagramProblem | None:
    """The problem with one expression or timer value, or None."""
    noun_en, subject_de = KINDS[site.kind]
    if not site.source:
        if site.kind in TIMER_KINDS:
            return loc.problem(
                f"The {noun_en} has no value (e.g. P6M, R6/P1M or a date).",
                f"{subject_de} hat keinen Wert (z. B. P6M, R6/P1M oder ein Datum).",
                site.element_id,
                site.line,
            )
        return loc.problem(f"The {noun_en} is empty.", f"{subject_de} ist leer.", site.element_id, site.line)
    try:
        if site.kind in TIMER_KINDS and is_iso_literal(site.source):
            check_literal(site.kind, site.source)
        elif site.kind == "script":
            compile_script(site.source)
        else:
            compile_expression(site.source)
            if site.kind == "cardinality" and (too_many := check_cardinality(site.source)):
                raise too_many
    except TimerValueError as exc:
        return _value_problem(site, exc, loc)
    except UnsafeExpression as exc:
        return _expression_problem(site, exc, loc)
    return None


def expression_problems(root, loc: Locator) -> list[DiagramProblem]:
    """Every expression and timer value of every process, each checked."""
    return [p for site in sites(root) if (p := check_site(site, loc)) is not None]


def _processes(root) -> dict:
    return {p.get("id"): p for p in root.iter(_q("process")) if p.get("id")}


def _calls(root) -> dict[str, list]:
    """process id -> its call activities (including those inside its subprocesses)."""
    return {pid: list(p.iter(_q("callActivity"))) for pid, p in _processes(root).items()}


def _cycle_through(start: str, calls: dict[str, list]) -> list[str] | None:
    """A chain of process ids from ``start`` back to ``start`` through call activities, if any."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        pid, path = stack.pop()
        for ca in calls.get(pid, []):
            called = ca.get("calledElement") or ""
            if called == start:
                return [*path, start]
            if called in calls and called not in seen:
                seen.add(called)
                stack.append((called, [*path, called]))
    return None


def call_problems(root, loc: Locator) -> list[DiagramProblem]:
    """Call activities to processes not in the file, and processes that call themselves."""
    out = []
    calls = _calls(root)
    for pid, activities in calls.items():
        for ca in activities:
            called = (ca.get("calledElement") or "").strip()
            if not called or called not in calls:
                shown = called[:100] or "–"
                out.append(
                    loc.problem(
                        f"The call activity calls the process '{shown}', which is not in this file.",
                        f"Die Aufrufaktivität ruft den Prozess „{shown}“ auf, den es in dieser Datei nicht "
                        "gibt (calledElement).",
                        ca.get("id"),
                    )
                )
                continue
            chain = _cycle_through(pid, {pid: [ca], **{k: v for k, v in calls.items() if k != pid}})
            if chain is None:
                continue
            if called == pid:
                en = f"The call activity calls its own process '{pid}': an instance would never end."
                de = f"Die Aufrufaktivität ruft ihren eigenen Prozess „{pid}“ auf; sie würde nie enden."
            else:
                route = " → ".join(chain)
                en = f"The call activity calls processes in a circle ({route}): an instance would never end."
                de = f"Die Aufrufaktivität ruft Prozesse im Kreis auf ({route}); die Instanz würde nie enden."
            out.append(loc.problem(en, de, ca.get("id")))
    return out


def _names(root, tag: str) -> dict[str, str]:
    return {el.get("id"): el.get("name") or el.get("id") for el in root.iter(_q(tag)) if el.get("id")}


def _thrown(root, definition: str, ref: str, names: dict[str, str]) -> set[str]:
    thrown = set()
    for ev in root.iter(_q("intermediateThrowEvent"), _q("endEvent")):
        for d in ev.findall(_q(definition)):
            if d.get(ref) in names:
                thrown.add(names[d.get(ref)])
    return thrown


def _waits(root):
    """(element, kind, ref): everything that waits for a message or signal to go on or to start."""
    for proc in root.iter(_q("process")):
        for start in proc.findall(_q("startEvent")):
            for kind in ("message", "signal"):
                for d in start.findall(_q(f"{kind}EventDefinition")):
                    yield start, kind, d.get(f"{kind}Ref"), proc.get("id")
        for ev in proc.iter(_q("intermediateCatchEvent")):
            for kind in ("message", "signal"):
                for d in ev.findall(_q(f"{kind}EventDefinition")):
                    yield ev, kind, d.get(f"{kind}Ref"), proc.get("id")
        for task in proc.iter(_q("receiveTask")):
            yield task, "message", task.get("messageRef"), proc.get("id")


def trigger_problems(root, loc: Locator) -> list[DiagramProblem]:
    """Start events, receive tasks and catch events that nothing can ever trigger."""
    messages, signals = _names(root, "message"), _names(root, "signal")
    thrown = {
        "message": _thrown(root, "messageEventDefinition", "messageRef", messages),
        "signal": _thrown(root, "signalEventDefinition", "signalRef", signals),
    }
    out = []
    for el, kind, ref, pid in _waits(root):
        name = (messages if kind == "message" else signals).get(ref or "")
        if name in thrown[kind]:
            continue
        if kind == "message" and name in ENGINE_MESSAGES and pid in ENGINE_MESSAGES[name]:
            continue
        what_en, subject_de, pronoun = (
            ("message", "Die Nachricht", "sie")
            if kind == "message"
            else (
                "signal",
                "Das Signal",
                "es",
            )
        )
        shown = (name or ref or "–")[:100]
        if _local(el) == "startEvent":
            then_en, then_de = "the process would never start", "der Prozess würde nie starten"
        else:
            then_en, then_de = "the instance would wait forever", "die Instanz würde ewig warten"
        out.append(
            loc.problem(
                f"The {what_en} '{shown}' never arrives: it is neither thrown in this file nor sent by the "
                f"engine, so {then_en}.",
                f"{subject_de} „{shown}“ kommt nie an: {pronoun} wird weder in dieser Datei ausgelöst noch "
                f"vom System gesendet; {then_de}.",
                el.get("id"),
            )
        )
    return out


def executable_problems(root, loc: Locator, main_id: str | None) -> list[DiagramProblem]:
    """No executable process, or a second one the first does not call."""
    procs = _processes(root)
    executable = [pid for pid, p in procs.items() if p.get("isExecutable", "false").lower() == "true"]
    if not executable:
        return [
            loc.problem(
                'The diagram has no executable process (isExecutable="true").',
                'Das Diagramm enthält keinen ausführbaren Prozess (isExecutable="true").',
                next(iter(procs), None),  # at the process that would be stored
            )
        ]
    main: str = main_id if main_id in executable and main_id else executable[0]
    calls = _calls(root)
    reached, todo = {main}, [main]
    while todo:
        for ca in calls.get(todo.pop(), []):
            called = ca.get("calledElement") or ""
            if called in calls and called not in reached:
                reached.add(called)
                todo.append(called)
    return [
        loc.problem(
            f"The file holds a second executable process '{pid}' that '{main}' does not call; a file "
            'deploys exactly one process: set isExecutable="false" or upload it in a file of its own.',
            f"Die Datei enthält einen zweiten ausführbaren Prozess „{loc.name_of(pid)}“ ({pid}), den "
            f"„{main}“ nicht aufruft. Eine Datei stellt genau einen Prozess bereit: bitte "
            'isExecutable="false" setzen oder den Prozess in einer eigenen Datei hochladen.',
            pid,
        )
        for pid in executable
        if pid not in reached
    ]


def size_problems(root, loc: Locator) -> list[DiagramProblem]:
    """Processes with more elements than the engine handles."""
    out = []
    for pid, proc in _processes(root).items():
        count = sum(1 for el in proc.iter() if _local(el) in _FLOW_NODES)
        if count > MAX_FLOW_NODES:
            out.append(
                loc.problem(
                    f"The process has {count} elements; at most {MAX_FLOW_NODES} are possible. Split it "
                    "into processes joined by call activities.",
                    f"Der Prozess hat {count} Elemente; möglich sind höchstens {MAX_FLOW_NODES}. Bitte in "
                    "mehrere Prozesse aufteilen, die über Aufrufaktivitäten verbunden sind.",
                    pid,
                )
            )
    return out


def size_problem_for(pid: str, loc: Locator) -> DiagramProblem:
    """The library ran out of recursion: the process is too long a chain, whatever element it stopped at."""
    return loc.problem(
        "The process is too long a chain of elements for the engine; split it into processes joined by "
        "call activities.",
        "Der Prozess ist eine zu lange Kette von Elementen; bitte in mehrere Prozesse aufteilen, die über "
        "Aufrufaktivitäten verbunden sind.",
        pid,
    )
