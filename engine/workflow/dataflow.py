"""Data-flow check: an expression reads a field that nothing upstream of it can provide (a warning).

The task data a condition, script, timer or due date reads comes from the forms of the user tasks
before it and from the scripts before it. ``dataflow_warnings(root, form_fields)`` follows the flows
backwards from every expression (sequence flows, boundary events from their activity, into and out
of subprocesses and called processes) and warns about each name read that no form reaching it has
as a property and no script reaching it assigns: usually a misspelt field. A read guarded by
``'name' in data`` or ``data.get('name')`` is not a warning. Warnings never block deploy.
"""

from __future__ import annotations

import ast
from collections import defaultdict

from ..dates import is_iso_literal
from .expression_sites import KINDS, TIMER_KINDS, Site, sites
from .expressions import ALLOWED_NAMES, UnsafeExpression, compile_expression, compile_script
from .problems import WARNING, DiagramProblem, Locator

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
_EXPRESSION_KINDS = {
    "condition",
    "script",
    "date",
    "duration",
    "cycle",
    "due",
    "cardinality",
    "completion",
    "loop",
    "event",
}


def _q(tag: str) -> str:
    return f"{{{BPMN_NS}}}{tag}"


def _parse(source: str, script: bool):
    try:
        return ast.parse(source if script else source.strip(), mode="exec" if script else "eval")
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return None


def _sound(site: Site) -> bool:
    """Only expressions that pass the static check are followed (the others are errors already)."""
    try:
        (compile_script if site.kind == "script" else compile_expression)(site.source)
    except UnsafeExpression:
        return False
    return True


def _data_key(node) -> str | None:
    """'x' in ``data["x"]``."""
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == "data"
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
    ):
        return node.slice.value
    return None


def reads(source: str, script: bool = False) -> set[str]:
    """Names an expression or script reads from the task data, without guarded reads."""
    tree = _parse(source, script)
    if tree is None:
        return set()
    stored: set[str] = set()
    loaded: set[str] = set()
    guarded: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else stored).add(node.id)
        elif (key := _data_key(node)) is not None:
            loaded.add(key)
        elif isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
            if isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
                guarded.add(node.left.value)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "data"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            guarded.add(str(node.args[0].value))
    return loaded - stored - guarded - ALLOWED_NAMES - {"True", "False", "None"}


def assigns(source: str) -> set[str]:
    """Names a script assigns (they are task data afterwards)."""
    tree = _parse(source, True)
    if tree is None:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def form_properties(schema) -> set[str]:
    """The top-level fields a form can submit (its properties, also in allOf/if/then branches)."""
    out: set[str] = set()
    if not isinstance(schema, dict):
        return out
    props = schema.get("properties")
    if isinstance(props, dict):
        out.update(props)
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key) or []:
            out |= form_properties(sub)
    for key in ("if", "then", "else"):
        out |= form_properties(schema.get(key))
    return out


def _graph(root) -> dict[str, set[str]]:
    """element id -> the element ids it is directly reached from.

    A subprocess (or a call activity, through the process it calls) is entered at its start
    events and left from its end events to its successors; a boundary event on it is reached
    from anything inside it."""
    preds: dict[str, set[str]] = defaultdict(set)
    succs: dict[str, set[str]] = defaultdict(set)
    for flow in root.iter(_q("sequenceFlow")):
        if flow.get("sourceRef") and flow.get("targetRef"):
            preds[flow.get("targetRef")].add(flow.get("sourceRef"))
            succs[flow.get("sourceRef")].add(flow.get("targetRef"))
    boundaries: dict[str, list[str]] = defaultdict(list)
    for ev in root.iter(_q("boundaryEvent")):
        if ev.get("attachedToRef"):
            preds[ev.get("id")].add(ev.get("attachedToRef"))
            boundaries[ev.get("attachedToRef")].append(ev.get("id"))
    containers = [(sub, sub) for sub in root.iter(_q("subProcess"), _q("transaction"), _q("adHocSubProcess"))]
    processes = {p.get("id"): p for p in root.iter(_q("process"))}
    for ca in root.iter(_q("callActivity")):
        called = processes.get(ca.get("calledElement") or "")
        if called is not None:
            containers.append((ca, called))
    for outer, inner in containers:
        outer_id = outer.get("id")
        inside = [c.get("id") for c in inner if isinstance(c.tag, str) and c.get("id")]
        for child in inner:
            if child.tag == _q("startEvent"):
                preds[child.get("id")].add(outer_id)
        ends = {c.get("id") for c in inner if c.tag == _q("endEvent") and c.get("id")}
        for target in succs.get(outer_id, ()):
            preds[target] |= ends
        for boundary in boundaries.get(outer_id, ()):
            preds[boundary].update(inside)
    return preds


def _upstream(element_id: str, preds: dict[str, set[str]], include_self: bool) -> set[str]:
    seen: set[str] = {element_id} if include_self else set()
    todo = list(preds.get(element_id, ()))
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo.extend(preds.get(node, ()))
    return seen


def _providers(root) -> tuple[dict[str, str], dict[str, set[str]], dict[str, set[str]]]:
    """Who provides data: element -> form key, element -> names its script sets, element -> its
    multi-instance element variable."""
    forms: dict[str, str] = {}
    for el in root.iter():
        key = el.get(f"{{{CAMUNDA_NS}}}formKey") if isinstance(el.tag, str) else None
        if key and el.get("id"):
            forms[el.get("id")] = key
    scripts: dict[str, set[str]] = {}
    loop_vars: dict[str, set[str]] = defaultdict(set)
    for site in sites(root):
        if site.kind == "script" and site.element_id:
            scripts[site.element_id] = assigns(site.source)
    for mi in root.iter(_q("multiInstanceLoopCharacteristics")):
        owner = mi.getparent()
        var = mi.get(f"{{{CAMUNDA_NS}}}elementVariable")
        if var and owner is not None and owner.get("id"):
            loop_vars[owner.get("id")].add(var)
    return forms, scripts, loop_vars


def dataflow_warnings(root, loc: Locator, form_fields: dict[str, set[str]]) -> list[DiagramProblem]:
    """A warning for every field an expression reads that no upstream form or script provides.

    ``form_fields``: form key -> its properties, for the forms that exist (a missing form is an
    error of its own; its fields are then unknown and nothing read after it is warned about)."""
    forms, scripts, loop_vars = _providers(root)
    preds = _graph(root)
    out = []
    for site in sites(root):
        if site.kind not in _EXPRESSION_KINDS or not site.element_id:
            continue
        if (site.kind in TIMER_KINDS and is_iso_literal(site.source)) or not _sound(site):
            continue
        read = reads(site.source, site.kind == "script")
        if not read:
            continue
        # A completion or loop condition reads what the activity's own form has just provided.
        up = _upstream(site.element_id, preds, include_self=site.kind in ("completion", "loop", "due"))
        if any(forms.get(el) is not None and forms[el] not in form_fields for el in up):
            continue  # a form that does not exist: what it provides is unknown
        provided: set[str] = set()
        reaching: list[str] = []
        for el in sorted(up):
            if el in forms:
                provided |= form_fields[forms[el]]
                reaching.append(forms[el])
            provided |= scripts.get(el, set()) | loop_vars.get(el, set())
        provided |= loop_vars.get(site.element_id, set())
        for name in sorted(read - provided):
            out.append(_warning(site, name, sorted(set(reaching)), loc))
    return out


def _warning(site: Site, name: str, forms: list[str], loc: Locator) -> DiagramProblem:
    listed = ", ".join(forms)
    if forms:
        en = f"no form before it ({listed}) has such a field and no script before it sets it"
        de = f"kein Formular davor ({listed}) hat dieses Feld, und kein Skript davor setzt es"
    else:
        en = "no form or script comes before it that could set it"
        de = "davor liegt kein Formular und kein Skript, das es setzen könnte"
    noun_en, subject_de = KINDS[site.kind]
    return loc.problem(
        f"The {noun_en} reads '{name}', but {en} (misspelt?).",
        f"{subject_de} liest „{name}“, aber {de} (Tippfehler?).",
        site.element_id,
        site.line,
        severity=WARNING,
    )
