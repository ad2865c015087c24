"""Validated parsing of BPMN diagrams into executable specs.

Diagrams are untrusted: XML is parsed with a hardened lxml parser, validated against
the BPMN XSD, parsed with a fresh SpiffWorkflow parser every time (a parser reused
after a failure returns half-built specs), and every expression is checked against
the restricted environment before the diagram counts as valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.exceptions import SpiffWorkflowException

from ..clock import utcnow
from ..dates import TimerValueError, end_of_day, is_iso_literal, parse_cycle, parse_duration, parse_moment
from . import timers
from .expressions import UnsafeExpression, compile_expression, compile_script
from .messages import explain
from .unsupported import refused_elements

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
MAX_DIAGRAM_BYTES = 2_000_000
_VALIDATOR = BpmnValidator()


@dataclass(frozen=True)
class DiagramProblem:
    """One reason a diagram cannot run, pinned to an element where possible."""

    message: str
    message_de: str
    element_id: str | None = None
    element_name: str | None = None
    line: int | None = None
    column: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "element_id": self.element_id,
            "element_name": self.element_name,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "message_de": self.message_de,
        }


class DiagramError(Exception):
    """The diagram cannot be parsed or run; ``problems`` says why."""

    def __init__(self, problems: list[DiagramProblem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass
class ParsedProcess:
    """An executable process: its specs plus what the service needs to know about it."""

    process_id: str
    name: str | None
    spec: Any
    subprocess_specs: dict
    form_keys: dict[str, str] = field(default_factory=dict)  # bpmn_id -> form key
    due_dates: dict[str, str] = field(default_factory=dict)  # bpmn_id -> camunda:dueDate
    titles: dict[str, str] = field(default_factory=dict)  # bpmn_id -> title expression


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def _line_index(root) -> dict[str, tuple[int, str | None]]:
    index = {}
    for el in root.iter():
        el_id = el.get("id") if isinstance(el.tag, str) else None
        if el_id:
            index[el_id] = (el.sourceline, el.get("name"))
    return index


def _problem(msg_en: str, msg_de: str, element_id=None, lines=None, line=None) -> DiagramProblem:
    name = None
    if element_id and lines and element_id in lines:
        line, name = lines[element_id]
    return DiagramProblem(msg_en, msg_de, element_id or None, name, line or None)


def _check_expressions(spec, subprocess_specs, lines) -> list[DiagramProblem]:
    problems = []
    for proc in [spec, *subprocess_specs.values()]:
        if proc is None:
            continue
        for ts in proc.task_specs.values():
            bpmn_id = getattr(ts, "bpmn_id", None)
            checks: list[tuple[str, Any]] = []
            for cond, _target in getattr(ts, "cond_task_specs", []):
                if cond is not None:
                    checks.append(("expression", cond.args[0]))
            if getattr(ts, "script", None):
                checks.append(("script", ts.script))
            event_def = getattr(ts, "event_definition", None)
            if isinstance(event_def, TimerEventDefinition):
                problem = _check_timer(timers.timer_kind(event_def) or "date", event_def.expression or "")
                if problem:
                    problems.append(_problem(*problem, bpmn_id, lines))
            for kind, source in checks:
                try:
                    (compile_script if kind == "script" else compile_expression)(source)
                except UnsafeExpression as exc:
                    problems.append(
                        _problem(
                            f"The {kind} '{source[:80]}' cannot run: {exc}",
                            _expression_de(source, str(exc)),
                            bpmn_id,
                            lines,
                        )
                    )
    return problems


def _expression_de(source: str, reason: str) -> str:
    shown = source[:80]
    if "${" in source or "#{" in source:
        return (
            f"Der Ausdruck '{shown}' ist ein Camunda-Ausdruck (${{...}}); hier gelten Python-Ausdrücke "
            "über die Prozessdaten, z. B. approved == True."
        )
    if reason.startswith("syntax error"):
        return f"Der Ausdruck '{shown}' hat einen Syntaxfehler."
    return (
        f"Der Ausdruck '{shown}' ist nicht erlaubt: erlaubt sind Prozessdaten, Vergleiche, Rechnen und "
        "die freigegebenen Funktionen – keine Importe, Dateizugriffe oder Attribute mit Unterstrich."
    )


def _check_literal(kind: str, text: str) -> None:
    if kind == "cycle":
        parse_cycle(text, utcnow())
    elif kind == "duration":
        parse_duration(text)
    elif kind == "due":
        if text.upper().startswith("P"):
            parse_duration(text)
        else:
            end_of_day(text)
    else:
        parse_moment(text)


def _check_timer(kind: str, source: str) -> tuple[str, str] | None:
    """A raw ISO value must parse; anything else must be an allowed expression."""
    text = source.strip()
    if not text:
        return (
            "The timer has no value (e.g. P6M, R6/P1M or a date).",
            "Der Timer hat keinen Wert (z. B. P6M, R6/P1M oder ein Datum).",
        )
    try:
        if is_iso_literal(text):
            _check_literal(kind, text)
        else:
            compile_expression(text)
    except TimerValueError as exc:
        return (f"Invalid timer: {exc}", f"Ungültiger Timer: {exc.message_de}")
    except UnsafeExpression as exc:
        return (
            f"The timer '{text[:80]}' is neither ISO 8601 nor an allowed expression: {exc}",
            f"Der Timer '{text[:80]}' ist weder ISO 8601 noch ein erlaubter Ausdruck: {exc}",
        )
    return None


def _due_dates(root, lines) -> tuple[dict[str, str], list[DiagramProblem]]:
    """camunda:dueDate on user tasks: an ISO duration from creation, a date, or an expression."""
    out, problems = {}, []
    # A plain bpmn:task runs as a manual task (a task to confirm), so it may carry a due date too.
    for el in root.iter(f"{{{BPMN_NS}}}userTask", f"{{{BPMN_NS}}}manualTask", f"{{{BPMN_NS}}}task"):
        value = (el.get(f"{{{CAMUNDA_NS}}}dueDate") or "").strip()
        if not value:
            continue
        problem = _check_timer("due", value)
        if problem:
            en, de = problem
            problems.append(
                _problem(
                    en.replace("timer", "due date"), de.replace("Timer", "Fälligkeit"), el.get("id"), lines
                )
            )
        else:
            out[el.get("id")] = value
    return out, problems


def _titles(root, lines) -> tuple[dict[str, str], list[DiagramProblem]]:
    """A task title from data: the camunda property ``title`` of a user or manual task, a restricted
    expression evaluated when the task becomes ready (``'Rückmeldung ' + month_label(checkin_due)``)."""
    out, problems = {}, []
    for el in root.iter(f"{{{BPMN_NS}}}userTask", f"{{{BPMN_NS}}}manualTask", f"{{{BPMN_NS}}}task"):
        for prop in el.iterfind(
            f"{{{BPMN_NS}}}extensionElements/{{{CAMUNDA_NS}}}properties/{{{CAMUNDA_NS}}}property"
        ):
            if prop.get("name") != "title":
                continue
            source = (prop.get("value") or "").strip()
            try:
                compile_expression(source)
            except UnsafeExpression as exc:
                problems.append(
                    _problem(
                        f"The task title '{source[:80]}' cannot run: {exc}",
                        f"Der Aufgabentitel '{source[:80]}' kann nicht ausgeführt werden: {exc}",
                        el.get("id"),
                        lines,
                    )
                )
                continue
            out[el.get("id")] = source
    return out, problems


def _read(xml: bytes | str):
    """The bpmn:definitions root of a diagram, or DiagramError (with line and column if malformed)."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    if len(data) > MAX_DIAGRAM_BYTES:
        raise DiagramError(
            [DiagramProblem("The diagram is larger than 2 MB.", "Das Diagramm ist größer als 2 MB.")]
        )
    try:
        root = etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position or (None, None)
        raise DiagramError(
            [
                DiagramProblem(
                    f"The file is not well-formed XML (line {line}, column {col}).",
                    f"Die Datei ist kein wohlgeformtes XML (Zeile {line}, Spalte {col}).",
                    line=line,
                    column=col,
                )
            ]
        ) from None
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise DiagramError(
            [
                DiagramProblem(
                    "The file is not a BPMN 2.0 diagram (no bpmn:definitions root).",
                    "Die Datei ist kein BPMN-2.0-Diagramm (kein bpmn:definitions-Element).",
                )
            ]
        )
    return root


def inspect_diagram(xml: bytes | str) -> tuple[str, str | None]:
    """(process id, name) a well-formed diagram would be stored under: its first executable
    process, else its first process. DiagramError if it is not well-formed BPMN."""
    root = _read(xml)
    procs = list(root.iter(f"{{{BPMN_NS}}}process"))
    if not procs:
        raise DiagramError(
            [DiagramProblem("The diagram contains no process.", "Das Diagramm enthält keinen Prozess.")]
        )
    executable = [p for p in procs if p.get("isExecutable", "false").lower() == "true"]
    chosen = (executable or procs)[0]
    if not chosen.get("id"):
        raise DiagramError(
            [DiagramProblem("The process has no id.", "Der Prozess hat keine ID.", line=chosen.sourceline)]
        )
    return chosen.get("id"), chosen.get("name")


def parse_diagram(
    xml: bytes | str, process_id: str | None = None, filename: str = "diagram.bpmn"
) -> ParsedProcess:
    """Parse and validate a diagram; raise DiagramError with every problem found."""
    root = _read(xml)
    lines = _line_index(root)
    executable = [
        p.get("id")
        for p in root.iter(f"{{{BPMN_NS}}}process")
        if p.get("isExecutable", "false").lower() == "true"
    ]
    if process_id is None:
        if not executable:
            raise DiagramError(
                [
                    DiagramProblem(
                        'The diagram has no executable process (isExecutable="true").',
                        'Das Diagramm enthält keinen ausführbaren Prozess (isExecutable="true").',
                    )
                ]
            )
        process_id = executable[0]
    elif process_id not in executable:
        raise DiagramError(
            [
                _problem(
                    f"The diagram has no executable process with the id '{process_id}'.",
                    f"Das Diagramm enthält keinen ausführbaren Prozess mit der ID '{process_id}'.",
                    process_id,
                    lines,
                )
            ]
        )

    refused = refused_elements(root, lambda en, de, el_id: _problem(en, de, el_id, lines))
    parser = CamundaParser(validator=_VALIDATOR)  # fresh parser for every parse
    try:
        parser.add_bpmn_xml(root, filename)
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except ValidationException as exc:
        element_id = getattr(exc, "id", None)
        line = exc.line_number if isinstance(exc.line_number, int) else None
        en, de = explain(str(exc.args[0]) if exc.args else "")
        if element_id is None and refused:
            raise DiagramError(refused) from None
        # Without an element the library's complaint is about the process as a whole.
        raise DiagramError([*refused, _problem(en, de, element_id or process_id, lines, line)]) from None
    except (SpiffWorkflowException, KeyError, TypeError, ValueError, AttributeError):
        # An element we refuse anyway often trips the library first; then the refusal says it all.
        raise DiagramError(
            refused
            or [
                _problem(
                    "The diagram cannot be read; check it in the modeler.",
                    "Das Diagramm kann nicht gelesen werden; bitte im Modellierer prüfen.",
                    process_id,
                    lines,
                )
            ]
        ) from None

    problems = refused + _check_expressions(spec, subprocess_specs, lines)
    due_dates, due_problems = _due_dates(root, lines)
    problems.extend(due_problems)
    titles, title_problems = _titles(root, lines)
    problems.extend(title_problems)
    form_keys: dict[str, str] = {}
    for proc in [spec, *subprocess_specs.values()]:
        for ts in proc.task_specs.values() if proc else []:
            form = getattr(ts, "form", None)
            key = getattr(form, "key", None) if form is not None else None
            if key:
                form_keys[ts.bpmn_id] = key
            elif type(ts).__name__ == "UserTask":
                problems.append(
                    _problem(
                        "The user task has no form (camunda:formKey).",
                        "Die Benutzeraufgabe hat kein Formular (camunda:formKey).",
                        ts.bpmn_id,
                        lines,
                    )
                )
    if problems:
        raise DiagramError(problems)
    timers.install([spec, *subprocess_specs.values()])
    return ParsedProcess(
        process_id,
        spec.description if hasattr(spec, "description") else None,
        spec,
        subprocess_specs,
        form_keys,
        due_dates,
        titles,
    )
