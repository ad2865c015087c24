"""The whole verdict on a diagram: its errors (parse_diagram) plus what needs the forms.

``judge_diagram(xml, form_fields)`` lists every problem at once: those of parsing and the deploy
checks, a user task whose form does not exist, and the data-flow warnings (dataflow.py), which
do not block deploy. The caller passes the current forms' fields (form key -> property names).
"""

from __future__ import annotations

from .dataflow import dataflow_warnings, form_properties
from .parsing import BPMN_NS, CAMUNDA_NS, _read, parse_diagram
from .problems import DiagramError, DiagramProblem, Locator

__all__ = ["form_properties", "judge_diagram"]


def _missing_forms(root, loc: Locator, known: set[str]) -> list[DiagramProblem]:
    out = []
    for el in root.iter(f"{{{BPMN_NS}}}userTask"):
        key = (el.get(f"{{{CAMUNDA_NS}}}formKey") or "").strip()
        if key and key not in known:
            shown = key[:100]
            out.append(
                loc.problem(
                    f"The form '{shown}' does not exist "
                    "(camunda:formKey = a file name in forms/ without .json).",
                    f"Das Formular „{shown}“ gibt es nicht (camunda:formKey = Dateiname in forms/ "
                    "ohne .json).",
                    el.get("id"),
                )
            )
    return out


def judge_diagram(xml: bytes | str, form_fields: dict[str, set[str]]) -> list[DiagramProblem]:
    """Every problem of a well-formed diagram (errors first, then warnings); [] if it is fine."""
    root = _read(xml)
    loc = Locator(root)
    try:
        parse_diagram(xml)
        errors: list[DiagramProblem] = []
    except DiagramError as exc:
        errors = list(exc.problems)
    errors += _missing_forms(root, loc, set(form_fields))
    try:
        warnings = dataflow_warnings(root, loc, form_fields)
    except RecursionError:  # a graph too deep to follow is already an error of its own
        warnings = []
    return errors + warnings
