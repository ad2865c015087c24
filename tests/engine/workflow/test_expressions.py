"""The restricted expression environment: what diagrams may and may not run."""

import pytest

from engine.workflow import UnsafeExpression, compile_expression, compile_script
from engine.workflow.expressions import RestrictedEnvironment

ENV = RestrictedEnvironment()

ATTACKS = [
    "__import__('os').system('id')",
    "open('/etc/passwd').read()",
    "().__class__.__mro__[1].__subclasses__()",
    "[c for c in ().__class__.__base__.__subclasses__()]",
    "(x for x in []).gi_frame.f_globals",
    "'{0.__class__}'.format(1)",
    "getattr(1, '__class__')",
    "eval('1')",
    "exec('x=1')",
    "globals()",
    "lambda: 1",
    "9 ** 9 ** 9",
    "'a' * 10000000",
    "[1] * 100000000",
    "[a for a in range(3) for b in range(3)]",
    "x.__dict__",
    "10000000000",
]


@pytest.mark.parametrize("source", ATTACKS)
def test_attacks_are_refused_before_running(source):
    with pytest.raises(UnsafeExpression):
        compile_expression(source)


def test_data_values_cannot_be_called_and_unknown_names_fail_at_run_time():
    with pytest.raises(UnsafeExpression):
        compile_expression("route()")
    with pytest.raises(NameError):
        ENV.evaluate("missing_variable == 1", {})


def test_ordinary_conditions_work():
    ctx = {"consent_given": True, "route": "referral", "continue": False, "goals": [1, 2]}
    assert ENV.evaluate("consent_given == True", ctx) is True
    assert ENV.evaluate('route == "referral"', ctx) is True
    assert ENV.evaluate('data["continue"] == False', ctx) is True
    assert ENV.evaluate("len(goals) > 1 and max(goals) == 2", ctx) is True
    assert ENV.evaluate("date(2026, 1, 31) < date(2026, 2, 1)", ctx) is True
    assert ENV.evaluate("sum(g for g in goals)", ctx) == 3


def test_scripts_assign_task_data_and_cannot_touch_reserved_names():
    ctx = {"a": 1}
    ENV.execute('closure_reason = "no_consent"\nb = a + 1', ctx)
    assert ctx == {"a": 1, "closure_reason": "no_consent", "b": 2}
    for bad in [
        "import os",
        "while True: pass",
        "for i in range(3): pass",
        "data = 1",
        "def f(): pass",
        "x.y = 1",
        "with open('f') as f: pass",
        "class A: pass",
    ]:
        with pytest.raises(UnsafeExpression):
            compile_script(bad)


def test_range_is_capped():
    with pytest.raises(ValueError):
        ENV.evaluate("len(range(1000000))", {})
