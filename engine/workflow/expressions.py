"""Restricted evaluation of BPMN expressions and scripts.

Diagrams are untrusted input: SpiffWorkflow evaluates conditions, scripts and timer
expressions with plain ``eval``/``exec``. Everything here is checked against a
whitelist of syntax first; only then is it rewritten with run-time guards
(engine/workflow/budget.py: steps, time, sizes, nesting) and compiled, with no
builtins beyond a small safe set. Every evaluation runs under its own budget; a
limit exceeded raises ``LimitExceeded`` naming the element and the kind of site.
"""

from __future__ import annotations

import ast
import builtins
import datetime as _dt
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from ..clock import today_berlin
from ..dates import add_days, add_months, month_label
from .budget import LimitExceeded, Meter, guard, guards
from .literals import MAX_LOOP_CARDINALITY

MAX_RANGE = 10_000
MAX_INT_CONSTANT = 10**9
MAX_SOURCE_CHARS = 4_000


class UnsafeExpression(ValueError):
    """An expression or script uses syntax or names outside the allowed set.

    ``code`` says which rule refused it and ``detail`` what it refused (a node kind, a name, a
    line): engine/workflow/expression_reasons.py turns both into the process owner's words."""

    def __init__(self, message: str, code: str = "other", detail: str | int | None = None):
        super().__init__(message)
        self.code = code
        self.detail = detail


_EXPR_NODES = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Pow,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Is,
    ast.IsNot,
    ast.IfExp,
    ast.Call,
    ast.keyword,
    ast.Name,
    ast.Load,
    ast.Store,
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Dict,
    ast.Set,
    ast.Subscript,
    ast.Slice,
    ast.Attribute,
    ast.JoinedStr,
    ast.FormattedValue,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
    ast.comprehension,
)
_SCRIPT_NODES = (
    *_EXPR_NODES,
    ast.Module,
    ast.Expr,
    ast.Assign,
    ast.AugAssign,
    ast.If,
    ast.Pass,
    ast.Del,
    ast.Delete,
)
# Attributes that reach frames, code objects or formatting machinery without a leading underscore.
_DENIED_ATTRIBUTES = frozenset(
    {
        "format",
        "format_map",
        "mro",
        "gi_frame",
        "gi_code",
        "gi_yieldfrom",
        "cr_frame",
        "cr_code",
        "ag_frame",
        "ag_code",
        "f_globals",
        "f_locals",
        "f_builtins",
        "f_back",
        "f_code",
        "tb_frame",
        "tb_next",
        "co_code",
        "func_globals",
        "im_func",
        "im_self",
    }
)


def _safe_range(*args: int) -> range:
    r = range(*args)
    if len(r) > MAX_RANGE:
        raise ValueError(f"range() is limited to {MAX_RANGE} elements")
    return r


SAFE_BUILTINS: dict[str, Any] = {
    "abs": abs,
    "all": all,
    "any": any,
    "bool": bool,
    "dict": dict,
    "enumerate": enumerate,
    "float": float,
    "int": int,
    "len": len,
    "list": list,
    "max": max,
    "min": min,
    "range": _safe_range,
    "round": round,
    "set": set,
    "sorted": sorted,
    "str": str,
    "sum": sum,
    "tuple": tuple,
    "zip": zip,
}


def _today() -> str:
    return today_berlin().isoformat()


SAFE_GLOBALS: dict[str, Any] = {
    "date": _dt.date,
    "datetime": _dt.datetime,
    "timedelta": _dt.timedelta,
    "timezone": _dt.timezone,
    # Calendar helpers for due dates and timers (engine/dates.py): ISO strings in and out.
    "add_months": add_months,
    "add_days": add_days,
    "month_label": month_label,
    "today": _today,
}
ALLOWED_NAMES = frozenset(SAFE_BUILTINS) | frozenset(SAFE_GLOBALS) | {"data"}
_RESERVED = ALLOWED_NAMES
# Python builtins we do not offer may not even be named (open, eval, getattr, ...).
_FORBIDDEN_NAMES = frozenset(dir(builtins)) - ALLOWED_NAMES - {"True", "False", "None"}
_CALLABLE_NAMES = frozenset(SAFE_BUILTINS) | frozenset(SAFE_GLOBALS)


def _is_sequence_literal(node: ast.AST) -> bool:
    return isinstance(node, (ast.List, ast.Tuple, ast.ListComp, ast.JoinedStr)) or (
        isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))
    )


def _check(tree: ast.AST, allowed: tuple[type, ...]) -> None:  # noqa: PLR0912 - one branch per node kind, read as one table
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            raise UnsafeExpression(f"'{type(node).__name__}' is not allowed", "node", type(node).__name__)
        if isinstance(node, ast.Name):
            if node.id.startswith("_") or node.id in _FORBIDDEN_NAMES:
                raise UnsafeExpression(f"the name '{node.id}' is not allowed", "name", node.id)
            if isinstance(node.ctx, (ast.Store, ast.Del)) and node.id in _RESERVED:
                raise UnsafeExpression(f"the name '{node.id}' is reserved", "reserved", node.id)
        elif isinstance(node, ast.Attribute):
            if node.attr.startswith("_") or node.attr in _DENIED_ATTRIBUTES:
                raise UnsafeExpression(f"the attribute '{node.attr}' is not allowed", "attribute", node.attr)
            if isinstance(node.ctx, (ast.Store, ast.Del)):
                raise UnsafeExpression("assigning to attributes is not allowed", "attribute_store")
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id not in _CALLABLE_NAMES:
                raise UnsafeExpression(
                    f"the function '{node.func.id}' is not available", "function", node.func.id
                )
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, int) and abs(node.value) > MAX_INT_CONSTANT:
                raise UnsafeExpression("number too large", "number")
        elif isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Pow) and not (
                isinstance(node.right, ast.Constant)
                and isinstance(node.right.value, int)
                and 0 <= node.right.value <= 64
            ):
                raise UnsafeExpression("'**' needs a small constant exponent", "power")
            if isinstance(node.op, ast.Mult) and (
                _is_sequence_literal(node.left) or _is_sequence_literal(node.right)
            ):
                raise UnsafeExpression("repeating texts or lists with '*' is not allowed", "repeat")
        elif (
            isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp))
            and len(node.generators) > 1
        ):
            raise UnsafeExpression("nested comprehensions are not allowed", "nested_comprehension")


@lru_cache(maxsize=4096)
def compile_expression(source: str):
    """Check and compile a single expression (a gateway condition, a timer)."""
    if len(source) > MAX_SOURCE_CHARS:
        raise UnsafeExpression("expression too long", "too_long", MAX_SOURCE_CHARS)
    try:
        tree = ast.parse(source.strip(), mode="eval")
        _check(tree, _EXPR_NODES)
        return compile(guard(tree), "<expression>", "eval")
    except SyntaxError as exc:
        raise UnsafeExpression(f"syntax error at column {exc.offset}", "syntax", exc.offset) from None
    except (RecursionError, MemoryError):  # parentheses or operators nested thousands deep
        raise UnsafeExpression("nested too deeply", "too_deep") from None


@lru_cache(maxsize=1024)
def compile_script(source: str):
    """Check and compile a script task's statements."""
    if len(source) > MAX_SOURCE_CHARS * 4:
        raise UnsafeExpression("script too long", "too_long", MAX_SOURCE_CHARS * 4)
    try:
        tree = ast.parse(source, mode="exec")
        _check(tree, _SCRIPT_NODES)
        return compile(guard(tree), "<script>", "exec")
    except SyntaxError as exc:
        raise UnsafeExpression(f"syntax error on line {exc.lineno}", "syntax_line", exc.lineno) from None
    except (RecursionError, MemoryError):  # parentheses or operators nested thousands deep
        raise UnsafeExpression("nested too deeply", "too_deep") from None


def _namespace(context: dict, external: dict | None, meter: Meter) -> dict:
    ns: dict[str, Any] = {"__builtins__": SAFE_BUILTINS}
    ns.update(SAFE_GLOBALS)
    if external:
        ns.update(external)
    ns.update(context)
    ns["data"] = MappingProxyType(context)
    ns.update(guards(meter))
    return ns


@contextmanager
def _metered() -> Iterator[Meter]:
    """One evaluation's budget; Python's own recursion and memory errors count as limits too."""
    meter = Meter()
    try:
        yield meter
    except RecursionError:
        raise LimitExceeded("recursion") from None
    except MemoryError:
        raise LimitExceeded("memory") from None
    finally:
        meter.close()


class RestrictedEnvironment(TaskDataEnvironment):
    """Task-data environment that only runs whitelisted syntax with safe builtins, under a budget."""

    def evaluate(self, expression, context, external_context=None):
        code = compile_expression(expression)
        with _metered() as meter:
            result = eval(code, _namespace(context, external_context, meter))
            meter.deep(result)
        return result

    def execute(self, script, context, external_context=None):
        code = compile_script(script)
        with _metered() as meter:
            ns = _namespace(context, external_context, meter)
            fixed = {k: ns[k] for k in ("__builtins__", "data", *SAFE_GLOBALS, *_GUARD_NAMES)}
            exec(code, ns)
            for key in list(context):
                if key not in ns:
                    del context[key]
            for key, value in ns.items():
                if key in fixed and fixed[key] is value:
                    continue
                if external_context and key in external_context:
                    continue
                if context.get(key, _MISSING) is not value or isinstance(value, _MUTABLE):
                    meter.deep(value)  # what the script stores: nesting and size
                context[key] = value
        return True

    def call_service(self, context, **kwargs):
        raise UnsafeExpression("service tasks are not supported")


_MISSING = object()
_MUTABLE = (list, dict, set)
_GUARD_NAMES = tuple(guards(Meter.__new__(Meter)))


def _site(task, expression: str) -> str:
    """Which kind of site (engine/workflow/expression_sites.KINDS) ``expression`` is on ``task``."""
    spec = task.task_spec
    if getattr(spec, "cardinality", None) == expression:
        return "cardinality"
    if getattr(spec, "condition", None) == expression and hasattr(spec, "cardinality"):
        return "completion"
    definition = getattr(spec, "event_definition", None)
    if definition is not None and getattr(definition, "expression", None) == expression:
        return getattr(definition, "kind", "date")
    return "condition"


def _bounded_cardinality(value: Any) -> Any:
    if isinstance(value, int) and value > MAX_LOOP_CARDINALITY:
        raise LimitExceeded(
            "cardinality",
            f"Die Mehrfach-Aktivität soll {value if value < 10**12 else 'unzählig'}-mal laufen; "
            f"möglich sind höchstens {MAX_LOOP_CARDINALITY}.",
        )
    return value


class RestrictedScriptEngine(PythonScriptEngine):
    """Script engine bound to the restricted environment; validates at parse time too.

    A limit exceeded is passed on as it is (not wrapped by SpiffWorkflow), with the element and the
    kind of site filled in, so the caller can tell the process owner exactly where."""

    def __init__(self):
        super().__init__(environment=RestrictedEnvironment())

    def validate(self, expression):
        compile_expression(expression)

    def evaluate(self, task, expression, external_context=None, site: str | None = None):
        kind = site or _site(task, expression)
        try:
            value = self.environment.evaluate(expression, task.data, external_context)
        except LimitExceeded as exc:
            raise _placed(exc, task, kind) from None
        except SpiffWorkflowException as exc:
            exc.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as exc:
            raise WorkflowTaskException(
                f"Error evaluating expression '{expression}'", task=task, exception=exc
            ) from exc
        if kind == "cardinality":
            try:
                return _bounded_cardinality(value)
            except LimitExceeded as exc:
                raise _placed(exc, task, kind) from None
        return value

    def execute(self, task, script, external_context=None):
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except LimitExceeded as exc:
            raise _placed(exc, task, "script") from None
        except Exception as exc:
            raise self.create_task_exec_exception(task, script, exc) from exc


def _placed(exc: LimitExceeded, task, kind: str) -> LimitExceeded:
    spec = task.task_spec
    exc.element_id = exc.element_id or getattr(spec, "bpmn_id", None)
    exc.element_name = exc.element_name or getattr(spec, "bpmn_name", None)
    exc.site = exc.site or kind
    return exc


SCRIPT_ENGINE = RestrictedScriptEngine()
