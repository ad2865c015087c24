"""Validated parsing of BPMN diagrams into executable specs.

Diagrams are untrusted: XML is parsed with a hardened lxml parser, validated against
the BPMN XSD, parsed with a fresh SpiffWorkflow parser every time (a parser reused
after a failure returns half-built specs), and every expression is checked against
the restricted environment before the diagram counts as valid.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.exceptions import SpiffWorkflowException

from . import deploy_checks, expression_sites, timers
from .expressions import UnsafeExpression, compile_expression, compile_script
from .messages import explain
from .problems import DiagramError, DiagramProblem, Locator, is_blocking
from .unsupported import refused_elements

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
MAX_DIAGRAM_BYTES = 2_000_000
MAX_PROBLEMS = 100  # a verdict lists at most this many; a hostile file could otherwise fill it
MAX_SCHEMA_PROBLEMS = 20
_VALIDATOR = BpmnValidator()
_VALIDATOR_LOCK = threading.Lock()  # the schema's error log belongs to its last validation
# Process ids go into URLs (/api/v1/processes/<id>) and a 100-character column; names into 200.
PROCESS_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
MAX_PROCESS_ID, MAX_PROCESS_NAME = 100, 200

__all__ = ["DiagramError", "DiagramProblem", "ParsedProcess", "inspect_diagram", "parse_diagram"]


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
    graph: Any = None  # engine/workflow/graph.py Graph of the same XML (set by the spec cache)


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


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


def _identity_problems(proc) -> list[DiagramProblem]:
    """The stored process's id and name must fit the URL and the columns they go into."""
    pid, name, line = proc.get("id"), proc.get("name") or "", proc.sourceline
    out = []
    if not pid:
        return [DiagramProblem("The process has no id.", "Der Prozess hat keine ID.", line=line)]
    if len(pid) > MAX_PROCESS_ID:
        out.append(
            DiagramProblem(
                f"The process id is longer than {MAX_PROCESS_ID} characters.",
                f"Die ID des Prozesses ist länger als {MAX_PROCESS_ID} Zeichen.",
                line=line,
            )
        )
    elif not PROCESS_ID.match(pid):
        out.append(
            DiagramProblem(
                f"The process id '{pid}' may only contain letters, digits, '_', '.' and '-' and must start "
                "with a letter or '_'.",
                f"Die ID des Prozesses „{pid}“ darf nur Buchstaben (ohne Umlaute), Ziffern, _ . und - "
                "enthalten und muss mit einem Buchstaben oder _ beginnen.",
                line=line,
            )
        )
    if len(name) > MAX_PROCESS_NAME:
        out.append(
            DiagramProblem(
                f"The process name is longer than {MAX_PROCESS_NAME} characters.",
                f"Der Name des Prozesses ist länger als {MAX_PROCESS_NAME} Zeichen.",
                pid if PROCESS_ID.match(pid) and len(pid) <= MAX_PROCESS_ID else None,
                line=line,
            )
        )
    return out


def inspect_diagram(xml: bytes | str) -> tuple[str, str | None]:
    """(process id, name) a well-formed diagram would be stored under: its first executable
    process, else its first process. DiagramError if it is not well-formed BPMN or the id or
    name cannot be stored (characters outside [A-Za-z0-9_.-], over 100 or 200 characters)."""
    root = _read(xml)
    procs = list(root.iter(f"{{{BPMN_NS}}}process"))
    if not procs:
        raise DiagramError(
            [DiagramProblem("The diagram contains no process.", "Das Diagramm enthält keinen Prozess.")]
        )
    executable = [p for p in procs if p.get("isExecutable", "false").lower() == "true"]
    chosen = (executable or procs)[0]
    problems = _identity_problems(chosen)
    if problems:
        raise DiagramError(problems)
    return chosen.get("id"), chosen.get("name")


def _schema_problems(root, loc: Locator) -> list[DiagramProblem]:
    """Every BPMN-XSD violation (up to a limit), at the line and column libxml2 names."""
    by_line: dict[int, Any] = {}
    for el in root.iter():
        if isinstance(el.tag, str):
            by_line.setdefault(el.sourceline, el)
    with _VALIDATOR_LOCK:
        _VALIDATOR.preprocess(root)
        try:
            if _VALIDATOR.validator.validate(root):
                return []
        except etree.Error:  # e.g. an entity reference left unexpanded on purpose
            en, de = explain("Schemas validity")
            return [loc.problem(en, de)]
        errors = list(_VALIDATOR.validator.error_log)
    out = []
    for err in errors[:MAX_SCHEMA_PROBLEMS]:
        owner = by_line.get(err.line)
        while owner is not None and not owner.get("id"):
            owner = owner.getparent()
        en, de = explain(err.message)
        tag = re.search(r"Element '(?:\{[^}]*\})?([\w.-]{1,60})'", err.message or "")
        if tag:
            en, de = f"{en} (element '{tag.group(1)}')", f"{de} (Element „{tag.group(1)}“)"
        element_id = owner.get("id") if owner is not None else None
        out.append(loc.problem(en, de, element_id, line=err.line, column=err.column))
        if element_id is not None:  # the element's own line would hide the line libxml2 named
            out[-1] = DiagramProblem(
                en, de, element_id, out[-1].element_name, err.line or None, err.column or None
            )
    if len(errors) > MAX_SCHEMA_PROBLEMS:
        more = len(errors) - MAX_SCHEMA_PROBLEMS
        out.append(
            loc.problem(
                f"{more} more schema violations are not listed.",
                f"{more} weitere Verstöße gegen das BPMN-Schema sind nicht aufgeführt.",
            )
        )
    return out


def _static_problems(root, loc: Locator, main_id: str | None) -> list[DiagramProblem]:
    """Everything checked on the XML itself, for every process of the file."""
    return [
        *deploy_checks.executable_problems(root, loc, main_id),
        *_schema_problems(root, loc),
        *refused_elements(root, loc.problem),
        *deploy_checks.expression_problems(root, loc),
        *deploy_checks.call_problems(root, loc),
        *deploy_checks.trigger_problems(root, loc),
        *deploy_checks.size_problems(root, loc),
    ]


def _library_problem(exc: Exception, process_id: str, loc: Locator) -> DiagramProblem:
    """SpiffWorkflow's complaint in our words, at the element (and line) it names."""
    if isinstance(exc, ValidationException):
        text = str(exc.args[0]) if exc.args else ""
        if "RecursionError" in text or "recursion" in text.lower():
            return deploy_checks.size_problem_for(process_id, loc)
        line = exc.line_number if isinstance(exc.line_number, int) else None
        en, de = explain(text)
        # Without an element the library's complaint is about the process as a whole.
        return loc.problem(en, de, getattr(exc, "id", None) or process_id, line=line)
    if isinstance(exc, RecursionError):
        return deploy_checks.size_problem_for(process_id, loc)
    return loc.problem(
        "The diagram cannot be read; check it in the modeler.",
        "Das Diagramm kann nicht gelesen werden; bitte im Modellierer prüfen.",
        process_id,
    )


def _spec_problems(spec, subprocess_specs, loc: Locator) -> list[DiagramProblem]:
    """What only the parsed specs show: expressions SpiffWorkflow will evaluate that the XML walk
    did not see (a safety net), and user tasks without a form."""
    problems = []
    for proc in [spec, *subprocess_specs.values()]:
        for ts in proc.task_specs.values() if proc else []:
            sources = [("expression", c.args[0]) for c, _t in getattr(ts, "cond_task_specs", []) if c]
            if getattr(ts, "script", None):
                sources.append(("script", ts.script))
            for kind, source in sources:
                try:
                    (compile_script if kind == "script" else compile_expression)(source)
                except UnsafeExpression:
                    problems.append(
                        loc.problem(
                            "An expression of this element is not allowed.",
                            "Ein Ausdruck dieses Elements ist nicht erlaubt.",
                            ts.bpmn_id,
                        )
                    )
            form = getattr(ts, "form", None)
            if type(ts).__name__ == "UserTask" and not getattr(form, "key", None):
                problems.append(
                    loc.problem(
                        "The user task has no form (camunda:formKey).",
                        "Die Benutzeraufgabe hat kein Formular (camunda:formKey).",
                        ts.bpmn_id,
                    )
                )
    return problems


def _merge(problems: list[DiagramProblem], more: list[DiagramProblem]) -> list[DiagramProblem]:
    """Add problems about elements not already named (the library often trips on what we refused)."""
    named = {p.element_id for p in problems}
    return problems + [p for p in more if p.element_id not in named]


def _capped(problems: list[DiagramProblem]) -> list[DiagramProblem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [
        *problems[:MAX_PROBLEMS],
        DiagramProblem(
            f"{more} more problems are not listed.", f"{more} weitere Probleme sind nicht aufgeführt."
        ),
    ]


def parse_diagram(
    xml: bytes | str, process_id: str | None = None, filename: str = "diagram.bpmn"
) -> ParsedProcess:
    """Parse and validate a diagram; raise DiagramError with every problem found, in every process."""
    root = _read(xml)
    loc = Locator(root)
    executable = [
        p.get("id")
        for p in root.iter(f"{{{BPMN_NS}}}process")
        if p.get("isExecutable", "false").lower() == "true"
    ]
    if process_id is not None and process_id not in executable:
        raise DiagramError(
            [
                loc.problem(
                    f"The diagram has no executable process with the id '{process_id}'.",
                    f"Das Diagramm enthält keinen ausführbaren Prozess mit der ID „{process_id}“.",
                    process_id,
                )
            ]
        )
    process_id = process_id or (executable[0] if executable else None)
    problems = _static_problems(root, loc, process_id)
    spec = None
    subprocess_specs: dict = {}
    # The library stops at its first complaint and reports it at a random element when something
    # we already refuse trips it; it only runs when the XML itself is sound.
    if process_id is not None and not is_blocking(problems):
        parser = CamundaParser(validator=None)  # fresh parser for every parse; the schema was checked
        try:
            parser.add_bpmn_xml(root, filename)
            spec = parser.get_spec(process_id)
            subprocess_specs = parser.get_subprocess_specs(process_id)
        except (
            SpiffWorkflowException,
            KeyError,
            TypeError,
            ValueError,
            AttributeError,
            RecursionError,
        ) as exc:
            problems = _merge(problems, [_library_problem(exc, process_id, loc)])
        else:
            problems = _merge(problems, _spec_problems(spec, subprocess_specs, loc))
    if problems or spec is None or process_id is None:
        raise DiagramError(_capped(problems))
    form_keys: dict[str, str] = {}
    for proc in [spec, *subprocess_specs.values()]:
        for ts in proc.task_specs.values() if proc else []:
            key = getattr(getattr(ts, "form", None), "key", None)
            if key:
                form_keys[ts.bpmn_id] = key
    due_dates = {
        el.get("id"): el.get(f"{{{CAMUNDA_NS}}}dueDate").strip()
        for tag in ("userTask", "manualTask", "task")
        for el in root.iter(f"{{{BPMN_NS}}}{tag}")
        if (el.get(f"{{{CAMUNDA_NS}}}dueDate") or "").strip()
    }
    # A task title from data (camunda property ``title``), checked with the other expressions above.
    titles = {
        site.element_id: site.source
        for site in expression_sites.sites(root)
        if site.kind == "title" and site.element_id
    }
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
