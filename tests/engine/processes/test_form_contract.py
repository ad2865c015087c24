"""The form contract covers every form field the engine's code and the shipped diagrams read."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from lxml import etree

from engine.config import PROJECT_ROOT
from engine.escalations.decisions import WHY_FIELDS
from engine.escalations.steps import STEPS, TEXT_FIELDS
from engine.processes.form_contract import CONTRACT
from engine.reports.projection import FACTS

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
FORMS = {p.stem: json.loads(p.read_text()) for p in (PROJECT_ROOT / "forms").glob("*.json")}
# Strings in reading modules that equal a form field's name but are no read of form data.
NOT_FORM_READS = {
    "status": "engine/instances: the status of an instance or case, a column value",
    "language": "engine/escalations/steps.py: a life-area code of topics (CATEGORIES)",
    "target_date": (
        "engine/cases/read.py: a goal's target date inside goal_agreement's goals list, shown on the "
        "case page and read with a fallback (not the top-level field of another form)"
    ),
}


def _fields(form_key: str) -> set[str]:
    return set(FORMS[form_key].get("properties", {}))


def _diagram(path: Path) -> tuple[dict[str, str], list[str]]:
    """User task id -> form key, and every expression of the diagram."""
    root = etree.parse(str(path)).getroot()
    forms = {t.get("id"): t.get(f"{CAMUNDA}formKey") for t in root.iter(f"{BPMN}userTask")}
    tags = ("conditionExpression", "script", "timeDuration", "timeDate", "timeCycle")
    expressions = [e.text for tag in tags for e in root.iter(f"{BPMN}{tag}") if e.text]
    expressions += [e.get(f"{CAMUNDA}dueDate") for e in root.iter() if e.get(f"{CAMUNDA}dueDate")]
    return forms, expressions


def _reads(source: str) -> tuple[set[str], dict[str, set[str]]]:
    """Names an expression or script reads, and the string codes it compares each name with."""
    try:
        tree = ast.parse(source.strip())
    except SyntaxError:  # a plain ISO duration like P12W
        return set(), {}
    names, codes = set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and node.value.id == "data"
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(node.slice.value)
        elif isinstance(node, ast.Compare) and isinstance(node.left, ast.Name):
            for right in node.comparators:
                if isinstance(right, ast.Constant) and isinstance(right.value, str):
                    codes.setdefault(node.left.id, set()).add(right.value)
    return names, codes


def test_every_field_a_diagram_reads_is_in_the_contract():
    checked = 0
    for path in sorted((PROJECT_ROOT / "processes").glob("*.bpmn")):
        forms, expressions = _diagram(path)
        for expression in expressions:
            names, codes = _reads(expression)
            for form_key in set(forms.values()):
                for name in names & _fields(form_key):
                    need = CONTRACT.get(form_key, {}).get(name)
                    assert need is not None, f"{path.name} liest {form_key}.{name}: nicht im Vertrag"
                    assert codes.get(name, set()) <= set(need.codes), (path.name, name, codes[name])
                    checked += 1
    assert checked >= 8  # route, consent_given, continue, outcome, start_date, local/steering outcome, ...


def test_the_figures_fields_are_in_the_contract():
    forms, _ = _diagram(PROJECT_ROOT / "processes" / "case_lifecycle.bpmn")
    for bpmn_id, (_kind, date_field, code_field) in FACTS.items():
        needs = CONTRACT[forms[bpmn_id]]
        assert date_field in needs, (bpmn_id, date_field)
        assert code_field is None or code_field in needs, (bpmn_id, code_field)
    assert "closure_reason" in CONTRACT[forms["closure"]] and "closure_date" in CONTRACT[forms["closure"]]


def test_the_escalation_steps_fields_are_in_the_contract():
    forms, _ = _diagram(PROJECT_ROOT / "processes" / "escalation.bpmn")
    for bpmn_id, step in STEPS.items():
        form_key = forms[bpmn_id]
        needs = CONTRACT[form_key]
        assert step.date_field in needs, (bpmn_id, step.date_field)
        assert step.outcome_field is None or needs[step.outcome_field].required, (bpmn_id, step.outcome_field)
        for text in set(TEXT_FIELDS) | set(WHY_FIELDS):
            assert text not in _fields(form_key) or text in needs, (form_key, text)


def _reading_modules():
    """Engine modules that read a key of something called ``data`` (task and process data)."""
    for path in sorted((PROJECT_ROOT / "engine").rglob("*.py")):
        if {"migrations", "workflow"} & set(path.parts):
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            target = None
            if isinstance(node, ast.Subscript):
                target = node.value
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
            ):
                target = node.func.value
            if target is not None and ast.unparse(target).endswith("data"):
                yield path, tree
                break


def test_every_form_field_named_in_reading_code_is_in_the_contract():
    """A field name in code that reads data (literal key, FACTS, a tuple of fields) is a read."""
    declared: dict[str, set[str]] = {}
    for form_key in FORMS:
        for name in _fields(form_key):
            declared.setdefault(name, set()).add(form_key)
    modules = list(_reading_modules())
    assert {p.name for p, _ in modules} >= {"service.py", "projection.py", "steps.py", "decisions.py"}
    for path, tree in modules:
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            name = node.value
            if name in declared and name not in NOT_FORM_READS:
                assert any(name in CONTRACT.get(f, {}) for f in declared[name]), (
                    f"{path.relative_to(PROJECT_ROOT)}:{node.lineno} liest das Formularfeld {name!r}, "
                    "das nicht im Vertrag steht (engine/processes/form_contract.py)"
                )


def test_every_contract_field_exists_with_its_type():
    for form_key, needs in CONTRACT.items():
        properties = FORMS[form_key]["properties"]
        for name, need in needs.items():
            assert properties[name]["type"] == need.type, (form_key, name)
