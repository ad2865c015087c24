"""Validated parsing: every problem names its element."""

from pathlib import Path

import pytest

from engine.config import PROJECT_ROOT
from engine.workflow import DiagramError, parse_diagram

LIFECYCLE = (PROJECT_ROOT / "processes" / "case_lifecycle.bpmn").read_bytes()


def test_lifecycle_parses_with_forms():
    proc = parse_diagram(LIFECYCLE, "case_lifecycle")
    assert proc.form_keys["consent"] == "consent"
    assert set(proc.form_keys) == {
        "first_contact",
        "consent",
        "assessment",
        "referral",
        "goal_agreement",
        "evaluation",
        "final_evaluation",
        "closure",
    }
    assert {f.stem for f in (PROJECT_ROOT / "forms").glob("*.json")} >= set(proc.form_keys.values())


def test_malformed_xml_reports_line_and_column():
    with pytest.raises(DiagramError) as err:
        parse_diagram(b"<?xml version='1.0'?>\n<definitions>\n<process></definitions>")
    problem = err.value.problems[0]
    assert problem.line == 3 and problem.column is not None
    assert "XML" in problem.message_de


def test_entities_are_not_expanded():
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;</definitions>'
    )
    with pytest.raises(DiagramError) as err:
        parse_diagram(xxe)
    assert "root:" not in str(err.value.problems)


def _with_condition(expr: str) -> bytes:
    return LIFECYCLE.replace(b"consent_given == True", expr.encode())


@pytest.mark.parametrize(
    "expr",
    [
        "__import__('os').system('touch /tmp/kim-pwned')",
        "open('/etc/passwd').read() != ''",
        "().__class__.__mro__[1] is not None",
    ],
)
def test_malicious_condition_is_refused_and_names_the_gateway(expr):
    with pytest.raises(DiagramError) as err:
        parse_diagram(_with_condition(expr.replace("'", "&apos;")), "case_lifecycle")
    problem = err.value.problems[0]
    assert problem.element_id == "gw_consent"
    assert problem.element_name == "Einwilligung erteilt?"
    assert problem.line and problem.line > 1
    assert not Path("/tmp/kim-pwned").exists()


def test_user_task_without_form_is_refused():
    xml = LIFECYCLE.replace(b'camunda:formKey="referral"', b"")
    with pytest.raises(DiagramError) as err:
        parse_diagram(xml, "case_lifecycle")
    assert err.value.problems[0].element_id == "referral"


def test_non_bpmn_and_non_executable():
    with pytest.raises(DiagramError):
        parse_diagram(b"<html/>")
    with pytest.raises(DiagramError):
        parse_diagram(LIFECYCLE.replace(b'isExecutable="true"', b'isExecutable="false"'))
