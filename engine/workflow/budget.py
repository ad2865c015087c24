"""Hard limits for every evaluation of a diagram's expressions and scripts, at run time.

Diagrams are untrusted: the whitelist (engine/workflow/expressions.py) keeps out what may not run
at all; this module bounds what may run. Every evaluation (a condition, a script, a timer or
due-date value, a task title, a multi-instance count or completion condition) gets a ``Meter``:

- steps: every iteration of a comprehension or generator ticks (``MAX_STEPS``); the whitelist has
  no loops, no ``def`` and no ``lambda``, so comprehensions are the only Python-level iteration;
- time: every 16th tick or guarded call compares the thread's CPU clock with the evaluation's
  deadline (``MAX_SECONDS``), and all evaluations of one engine call share ``MAX_CALL_SECONDS``.
  CPU time, not wall time: a busy machine or a garbage collection elsewhere must not fail a
  harmless condition, and CPU time is what a hostile expression burns. A garbage collection in the
  evaluation's own thread is left out as well (``gc.callbacks``): it walks the whole heap;
- size: the operators and calls that build values (``**``, ``*``, ``+``, ``%``, f-string formats,
  every call, including ``str.ljust``/``center``/``zfill``/``replace``/``join``) are rewritten into
  guards that refuse, before computing, an integer over ``MAX_INT_BITS`` bits or a text, list or
  dict over ``MAX_SIZE`` elements, and count what they built (``MAX_CELLS`` per evaluation);
- nesting: what a script leaves in the process data is walked (iteratively, at most
  ``MAX_CELLS`` elements) and may not nest deeper than ``MAX_DEPTH``; a RecursionError or
  MemoryError anywhere in an evaluation becomes a limit too.

The rewriting happens once per source text (the compiled code is cached); CPython then runs the
code at full speed, calling a guard only where a value can grow. A C-level operation cannot be
interrupted once it runs, which is why sizes are checked *before* each operation: tracing
(``sys.settrace``) would see lines but not the one ``BINARY_OP`` that computes ``(9**64)**64**64``.

Exceeding a limit raises ``LimitExceeded`` naming the limit; the script engine adds the element.
"""

from __future__ import annotations

import ast
import gc
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from itertools import chain
from time import thread_time
from typing import Any

MAX_STEPS = 100_000  # comprehension iterations per evaluation
MAX_SECONDS = 0.05  # wall time per evaluation
MAX_CALL_SECONDS = 0.1  # evaluation time of all evaluations in one engine call (a step)
MAX_INT_BITS = 4_000  # about 10^1200
MAX_SIZE = 100_000  # elements of one text, list, tuple, dict or set
MAX_CELLS = 1_000_000  # elements built in one evaluation (and walked when checking data)
MAX_DEPTH = 32  # nesting of the values a script stores
MAX_FORMAT_WIDTH = 1_000  # a width or precision in a format ('%5d', f'{x:>10}', ljust below)

# limit code -> (English, German) description
LIMITS = {
    "steps": (f"more than {MAX_STEPS} steps", f"mehr als {MAX_STEPS} Rechenschritte"),
    "time": (
        f"more than {int(MAX_SECONDS * 1000)} ms computing time",
        f"mehr als {int(MAX_SECONDS * 1000)} ms Rechenzeit",
    ),
    "step-time": (
        f"more than {int(MAX_CALL_SECONDS * 1000)} ms computing time in one step",
        f"mehr als {int(MAX_CALL_SECONDS * 1000)} ms Rechenzeit in einem Schritt",
    ),
    "int": (
        f"a number larger than {MAX_INT_BITS} bits (about 10^1200)",
        f"eine Zahl größer als {MAX_INT_BITS} Bit (etwa 10^1200)",
    ),
    "size": (
        f"a text, list or table longer than {MAX_SIZE} elements",
        f"einen Text, eine Liste oder Tabelle mit mehr als {MAX_SIZE} Elementen",
    ),
    "cells": (
        f"more than {MAX_CELLS} elements built in one evaluation",
        f"mehr als {MAX_CELLS} erzeugte Elemente in einer Auswertung",
    ),
    "depth": (
        f"values nested deeper than {MAX_DEPTH}",
        f"Werte, die tiefer als {MAX_DEPTH} verschachtelt sind",
    ),
    "format": (
        f"a format width or precision over {MAX_FORMAT_WIDTH}",
        f"eine Formatbreite oder -genauigkeit über {MAX_FORMAT_WIDTH}",
    ),
    "recursion": ("too deep recursion", "zu tiefe Rekursion"),
    "memory": ("too much memory", "zu viel Speicher"),
    "cardinality": (
        "a multi-instance count above the bound",
        "eine Anzahl der Durchläufe über der Grenze",
    ),
    "cycle": ("a timer cycle outside the bounds", "einen Timer-Zyklus außerhalb der Grenzen"),
}


class LimitExceeded(Exception):
    """An evaluation went over one of its limits (``limit``: a key of LIMITS); ``element_id`` and
    ``site`` (the expression's kind, as in expression_sites.KINDS) are added where it is known."""

    def __init__(self, limit: str, detail_de: str | None = None):
        english, german = LIMITS[limit]
        super().__init__(f"the evaluation needs {english}")
        self.limit = limit
        self.detail_de = detail_de or f"Die Auswertung braucht {german}."
        self.element_id: str | None = None
        self.element_name: str | None = None
        self.site: str | None = None


_SEQUENCES = (str, bytes, list, tuple)
_SIZED = (str, bytes, list, tuple, dict, set, frozenset)
_CONTAINERS = (list, tuple, set, frozenset)
_SCALARS = (int, float, bool, str, bytes, type(None), date, datetime)


class _Call(threading.local):
    """The evaluation time one engine call has left (thread-local: each request and job its own)."""

    left: float | None = None


_CALL = _Call()


@contextmanager
def engine_call() -> Iterator[None]:
    """All evaluations inside share MAX_CALL_SECONDS (a completion, a timer firing, a start)."""
    outer = _CALL.left
    _CALL.left = MAX_CALL_SECONDS if outer is None else outer
    try:
        yield
    finally:
        _CALL.left = outer


def _format_width(spec: str) -> None:
    if "*" in spec or any(int(n) > MAX_FORMAT_WIDTH for n in re.findall(r"\d+", spec)):
        raise LimitExceeded("format")


_PERCENT_SPEC = re.compile(r"%[^a-zA-Z%]*")
_CLOCK_EVERY = 15  # read the clock at every 16th step or call (a thread's CPU clock costs ~0.7 µs)


class _Collections(threading.local):
    """CPU time this thread spent in the garbage collector (``gc.callbacks``). A collection that
    happens to run during an evaluation walks the whole heap, whatever the diagram: in a large
    process a full one takes longer than an evaluation may, and it is no work of the diagram."""

    started: float | None = None
    spent = 0.0


_GC = _Collections()


def _collecting(phase: str, _info: dict) -> None:
    if phase == "start":
        _GC.started = thread_time()
    elif _GC.started is not None:
        _GC.spent += thread_time() - _GC.started
        _GC.started = None


gc.callbacks.append(_collecting)


def _cpu() -> float:
    """The thread's CPU time without its garbage collections: what the meters count."""
    return thread_time() - _GC.spent


class Meter:
    """One evaluation's counters and the guards its rewritten code calls (``_kim_*`` names)."""

    __slots__ = ("call_limited", "cells", "deadline", "ops", "started", "steps")

    def __init__(self) -> None:
        self.steps = 0
        self.ops = 0
        self.cells = 0
        self.started = _cpu()
        left = _CALL.left
        if left is not None and left <= 0:
            raise LimitExceeded("step-time")
        self.call_limited = left is not None and left < MAX_SECONDS
        self.deadline = self.started + (min(MAX_SECONDS, left) if left is not None else MAX_SECONDS)

    def close(self) -> None:
        """Charge this evaluation's time to the engine call."""
        if _CALL.left is not None:
            _CALL.left -= _cpu() - self.started

    def _late(self) -> None:
        self.ops += 1
        if not self.ops & _CLOCK_EVERY and _cpu() > self.deadline:
            raise LimitExceeded("step-time" if self.call_limited else "time")

    # -- the guards ------------------------------------------------------------------------
    def tick(self) -> bool:
        """One iteration of a comprehension (inserted as its first ``if``)."""
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise LimitExceeded("steps")
        self._late()
        return True

    def built(self, value: Any) -> Any:
        """Check a freshly built value's size and count it."""
        if isinstance(value, int):
            if value.bit_length() > MAX_INT_BITS:
                raise LimitExceeded("int")
        elif isinstance(value, _SIZED):
            size = len(value)
            if size > MAX_SIZE:
                raise LimitExceeded("size")
            self.cells += size
            if self.cells > MAX_CELLS:
                raise LimitExceeded("cells")
        return value

    def pow(self, a: Any, b: Any) -> Any:
        big = isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1
        if big and (a.bit_length() - 1) * b > MAX_INT_BITS:
            raise LimitExceeded("int")
        return self.built(a**b)

    def mul(self, a: Any, b: Any) -> Any:
        if isinstance(a, int) and isinstance(b, int):
            if a.bit_length() + b.bit_length() > MAX_INT_BITS + 1:
                raise LimitExceeded("int")
        elif isinstance(a, _SEQUENCES) and isinstance(b, int):
            if len(a) * b > MAX_SIZE:
                raise LimitExceeded("size")
        elif isinstance(b, _SEQUENCES) and isinstance(a, int) and len(b) * a > MAX_SIZE:
            raise LimitExceeded("size")
        return self.built(a * b)

    def add(self, a: Any, b: Any) -> Any:
        if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES) and len(a) + len(b) > MAX_SIZE:
            raise LimitExceeded("size")
        return self.built(a + b)

    def mod(self, a: Any, b: Any) -> Any:
        if isinstance(a, (str, bytes)):
            text = a if isinstance(a, str) else a.decode("latin-1")
            for spec in _PERCENT_SPEC.findall(text):
                _format_width(spec)
            self.deep(b)
        return self.built(a % b)

    def fmt(self, value: Any, conversion: int, spec: str) -> str:
        """One ``{value!conversion:spec}`` of an f-string."""
        _format_width(spec)
        self.deep(value)
        if conversion == ord("r"):
            value = repr(value)
        elif conversion == ord("a"):
            value = ascii(value)
        elif conversion == ord("s"):
            value = str(value)
        return self.built(format(value, spec))

    def call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Any call: refuse what would build too much before it runs, then check what it built."""
        self._late()
        owner = getattr(fn, "__self__", None)
        name = getattr(fn, "__name__", "")
        check = _BEFORE.get(name)
        if check is not None:
            check(self, owner, args, kwargs)
        result = fn(*args, **kwargs)
        if name in _IN_PLACE and isinstance(owner, _SIZED):
            self.built(owner)
        return self.built(result)

    # -- whole values ------------------------------------------------------------------------
    def deep(self, value: Any) -> None:
        """Walk a value (iteratively, lazily): no deeper than MAX_DEPTH, no more than MAX_CELLS elements
        and characters; called before a value is turned into text and on what an evaluation returns or a
        script stores. It stops at the first element over a limit, so it costs at most MAX_CELLS steps."""
        if isinstance(value, _SCALARS) and not isinstance(value, (str, bytes)):
            return
        seen = 0
        stack: list[Iterator[Any]] = [iter((value,))]
        while stack:
            item = next(stack[-1], _END)
            if item is _END:
                stack.pop()
                continue
            if isinstance(item, (str, bytes)):
                seen += len(item)
            elif isinstance(item, (dict, *_CONTAINERS)):
                if len(stack) > MAX_DEPTH:
                    raise LimitExceeded("depth")
                seen += len(item)
                stack.append(chain(item.keys(), item.values()) if isinstance(item, dict) else iter(item))
            else:
                seen += 1
            if seen > MAX_CELLS:
                raise LimitExceeded("cells")


_END = object()


def _width(meter: Meter, owner: Any, args: tuple, kwargs: dict) -> None:
    width = args[0] if args else kwargs.get("width", 0)
    if isinstance(width, int) and width > MAX_SIZE:
        raise LimitExceeded("size")


def _expandtabs(meter: Meter, owner: Any, args: tuple, kwargs: dict) -> None:
    size = args[0] if args else kwargs.get("tabsize", 8)
    if isinstance(owner, (str, bytes)) and isinstance(size, int) and size * len(owner) > MAX_SIZE:
        raise LimitExceeded("size")


def _replace(meter: Meter, owner: Any, args: tuple, kwargs: dict) -> None:
    if not isinstance(owner, (str, bytes)) or len(args) < 2:
        return  # date.replace(year=...) and friends build nothing large
    old, new = args[0], args[1]
    if isinstance(old, type(owner)) and isinstance(new, type(owner)):
        text: Any = owner
        hits = text.count(old) if old else len(owner) + 1
        if len(owner) + hits * max(len(new) - len(old), 0) > MAX_SIZE:
            raise LimitExceeded("size")


def _join(meter: Meter, owner: Any, args: tuple, kwargs: dict) -> None:
    if not isinstance(owner, (str, bytes)) or not args:
        return
    items = args[0]
    if not isinstance(items, _SIZED):
        return  # a generator: its items tick; the result is checked after
    if len(items) > MAX_SIZE:
        raise LimitExceeded("size")
    total = len(owner) * max(len(items) - 1, 0)
    for item in items:
        total += len(item) if isinstance(item, (str, bytes)) else 0
        if total > MAX_SIZE:
            raise LimitExceeded("size")


def _translate(meter: Meter, owner: Any, args: tuple, kwargs: dict) -> None:
    table = args[0] if args else None
    if isinstance(owner, str) and isinstance(table, dict):
        longest = max((len(v) for v in table.values() if isinstance(v, str)), default=1)
        if longest * len(owner) > MAX_SIZE:
            raise LimitExceeded("size")


def _text(meter: Meter, owner: Any, args: tuple, kwargs: dict) -> None:
    for value in args:
        meter.deep(value)


def _sum(meter: Meter, owner: Any, args: tuple, kwargs: dict) -> None:
    start = args[1] if len(args) > 1 else kwargs.get("start", 0)
    if not isinstance(start, (int, float)):
        raise LimitExceeded("size", "sum() addiert nur Zahlen; Listen bitte anders zusammenfügen.")


def _round(meter: Meter, owner: Any, args: tuple, kwargs: dict) -> None:
    digits = args[1] if len(args) > 1 else kwargs.get("ndigits")
    if isinstance(digits, int) and abs(digits) > MAX_FORMAT_WIDTH:
        raise LimitExceeded("format")


def _strftime(meter: Meter, owner: Any, args: tuple, kwargs: dict) -> None:
    if args and isinstance(args[0], str) and len(args[0]) > MAX_FORMAT_WIDTH:
        raise LimitExceeded("format")


_BEFORE = {
    "ljust": _width,
    "rjust": _width,
    "center": _width,
    "zfill": _width,
    "expandtabs": _expandtabs,
    "replace": _replace,
    "join": _join,
    "translate": _translate,
    "str": _text,
    "repr": _text,
    "sum": _sum,
    "round": _round,
    "strftime": _strftime,
}
_IN_PLACE = frozenset({"append", "extend", "insert", "update", "setdefault", "add"})


# -- rewriting the checked syntax tree into guarded calls -----------------------------------------
_GUARDED_OPS = {ast.Pow: "_kim_pow", ast.Mult: "_kim_mul", ast.Add: "_kim_add", ast.Mod: "_kim_mod"}


def _guard(name: str, *args: ast.expr, node: ast.AST) -> ast.Call:
    call = ast.Call(func=ast.Name(name, ast.Load()), args=list(args), keywords=[])
    return ast.copy_location(call, node)


def _as_load(target: ast.expr) -> ast.expr:
    copy = ast.parse(ast.unparse(target), mode="eval").body
    for node in ast.walk(copy):
        if hasattr(node, "ctx"):
            node.ctx = ast.Load()
    return copy


class _Guards(ast.NodeTransformer):
    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        name = _GUARDED_OPS.get(type(node.op))
        return _guard(name, node.left, node.right, node=node) if name else node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.stmt:
        if type(node.op) not in _GUARDED_OPS:
            return self.generic_visit(node)  # type: ignore[return-value]
        value = ast.BinOp(left=_as_load(node.target), op=node.op, right=node.value)
        assign = ast.Assign(targets=[node.target], value=ast.copy_location(value, node))
        return self.visit(ast.copy_location(assign, node))

    def visit_Call(self, node: ast.Call) -> ast.Call:
        self.generic_visit(node)
        call = ast.Call(
            func=ast.Name("_kim_call", ast.Load()), args=[node.func, *node.args], keywords=node.keywords
        )
        return ast.copy_location(call, node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.FormattedValue:
        self.generic_visit(node)
        spec: ast.expr = node.format_spec if node.format_spec is not None else ast.Constant("")
        value = _guard("_kim_fmt", node.value, ast.Constant(node.conversion), spec, node=node)
        return ast.copy_location(ast.FormattedValue(value=value, conversion=-1, format_spec=None), node)

    def visit_comprehension(self, node: ast.comprehension) -> ast.comprehension:
        self.generic_visit(node)
        tick = ast.Call(func=ast.Name("_kim_tick", ast.Load()), args=[], keywords=[])
        node.ifs = [ast.copy_location(tick, node.iter), *node.ifs]
        return node


def guard(tree: ast.Module | ast.Expression) -> ast.Module | ast.Expression:
    """The checked tree with every growing operation, call, format and comprehension guarded."""
    return ast.fix_missing_locations(_Guards().visit(tree))


def guards(meter: Meter) -> dict[str, Any]:
    """The names the guarded code calls, bound to ``meter``."""
    return {
        "_kim_tick": meter.tick,
        "_kim_pow": meter.pow,
        "_kim_mul": meter.mul,
        "_kim_add": meter.add,
        "_kim_mod": meter.mod,
        "_kim_fmt": meter.fmt,
        "_kim_call": meter.call,
    }
