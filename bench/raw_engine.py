"""The raw engine cycles the HTTP figures are compared with.

This file imports SpiffWorkflow directly on purpose: it measures plain SpiffWorkflow (default
serializer, no pruning, no spec cache) next to our engine layer.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from uuid import UUID

from bench_common import DIAGRAM, PAYLOADS, PROCESS_ID, log, summarize


def time_cycles(cycle, samples: int, warmup: int) -> list[int]:
    for _ in range(warmup):
        cycle()
    out = []
    for _ in range(samples):
        t0 = time.perf_counter_ns()
        cycle()
        out.append(time.perf_counter_ns() - t0)
    return out


def run_engine_layer(args, checkpoints: list[int]) -> list[dict]:
    """The engine layer's cycle from a stored state (restored at every cycle, nothing kept), at each
    checkpoint; then the cycle of a server's next step, which takes the workflow the last step kept
    (engine/workflow/kept.py)."""
    from engine import workflow as wf
    from engine.workflow.kept import DEFAULT_ENTRIES

    wf.keep_workflows(0)
    proc = wf.parse_diagram(DIAGRAM.read_bytes(), PROCESS_ID)
    result = wf.start(proc)
    states: dict[int, tuple[str, str]] = {}
    done = 0
    while len(states) < len(checkpoints):
        (task,) = result.ready
        if task.bpmn_id == "evaluation" and done in checkpoints:
            states[done] = (result.state, task.task_id)
        result = wf.complete(proc, result.state, task.task_id, PAYLOADS[task.bpmn_id])
        done += task.bpmn_id == "evaluation"

    rows = []
    data = PAYLOADS["evaluation"]
    for prior in checkpoints:
        state, task_id = states[prior]
        check = wf.complete(proc, state, task_id, data)
        assert [t.bpmn_id for t in check.ready] == ["evaluation"], check.ready
        ns = time_cycles(
            lambda state=state, task_id=task_id: wf.complete(proc, state, task_id, data),
            args.samples,
            args.warmup,
        )
        rows.append(
            summarize(
                f"engine layer cycle, {prior:,} prior evaluation{'s' * (prior != 1)}",
                ns,
                prior=prior,
                state_kb=round(len(state) / 1024, 1),
            )
        )
    wf.keep_workflows(DEFAULT_ENTRIES)
    state, task_id = states[checkpoints[0]]
    step = wf.complete(proc, state, task_id, data)

    def kept_cycle() -> None:
        nonlocal step
        step = wf.complete(proc, step.state, step.ready[0].task_id, data)

    ns = time_cycles(kept_cycle, args.samples, args.warmup)
    rows.append(summarize("engine layer cycle, workflow kept", ns))
    return rows


@contextmanager
def iterator_depth(max_depth: int | None):
    """Temporarily change SpiffWorkflow's default task iterator depth limit (None: leave it)."""
    from SpiffWorkflow.bpmn.util.task import BpmnTaskIterator
    from SpiffWorkflow.util.task import TaskIterator

    saved = []
    if max_depth is not None:
        for cls in (TaskIterator, BpmnTaskIterator):
            init = cls.__init__
            code, old = init.__code__, init.__defaults__
            names = code.co_varnames[code.co_argcount - len(old) : code.co_argcount]
            saved.append((init, old))
            init.__defaults__ = tuple(
                max_depth if n == "max_depth" else d for n, d in zip(names, old, strict=True)
            )
    try:
        yield
    finally:
        for init, old in saved:
            init.__defaults__ = old


def run_plain_spiff(args, checkpoints: list[int]) -> tuple[list[dict], dict]:
    from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
    from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
    from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
    from SpiffWorkflow.util.task import TaskState

    class DataEnvironment(TaskDataEnvironment):
        """The diagram's loop gateway reads ``data["continue"]``."""

        def evaluate(self, expression, context, external_context=None):
            return super().evaluate(expression, context, {"data": dict(context)})

    script_engine = PythonScriptEngine(environment=DataEnvironment())
    ser = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG))
    parser = CamundaParser()
    parser.add_bpmn_file(str(DIAGRAM))
    spec, subprocess_specs = parser.get_spec(PROCESS_ID), parser.get_subprocess_specs(PROCESS_ID)

    def ready_user_tasks(workflow):
        # Read the flat task maps: the tree iterator cannot see past depth 1000.
        return [
            t
            for w in (workflow, *workflow.subprocesses.values())
            for t in w.tasks.values()
            if t.state == TaskState.READY and t.task_spec.manual
        ]

    def build(wanted: list[int]):
        """Drive one instance; returns ({prior: (state, task_id)}, evaluations at a stall or None)."""
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)
        workflow.do_engine_steps()
        states, done = {}, 0
        while len(states) < len(wanted):
            ready = ready_user_tasks(workflow)
            if len(ready) != 1:
                return states, done
            task = ready[0]
            if task.task_spec.bpmn_id == "evaluation" and done in wanted:
                states[done] = (ser.serialize_json(workflow), task.id)
            task.data.update(PAYLOADS[task.task_spec.bpmn_id])
            task.run()
            workflow.do_engine_steps()
            done += task.task_spec.bpmn_id == "evaluation"
        return states, None

    def cycle(state: str, task_id: UUID, data: dict) -> str:
        workflow = ser.deserialize_json(state)
        workflow.script_engine = script_engine
        task = workflow.get_task_from_id(task_id)
        task.data.update(data)
        task.run()
        workflow.do_engine_steps()
        return ser.serialize_json(workflow)

    def check(state: str, task_id: UUID) -> bool:
        workflow = ser.deserialize_json(cycle(state, task_id, PAYLOADS["evaluation"]))
        return [t.task_spec.bpmn_id for t in ready_user_tasks(workflow)] == ["evaluation"]

    info: dict = {}
    states, stalled_at = build(checkpoints)
    if stalled_at is not None:
        info["plain_spiff_stalls_after_evaluations"] = stalled_at
        log(
            f"  plain SpiffWorkflow stalls after {stalled_at} evaluations (no ready task any more); "
            "the remaining checkpoints run with the iterator depth limit lifted"
        )

    rows = []
    data = PAYLOADS["evaluation"]
    for prior in checkpoints:
        lifted = prior not in states
        with iterator_depth(10**9 if lifted else None):
            if lifted:
                extra, _ = build([prior])
                states.update(extra)
            state, task_id = states[prior]
            ok = check(state, task_id)
            ns = time_cycles(
                lambda state=state, task_id=task_id: cycle(state, task_id, data), args.samples, args.warmup
            )
        label = f"plain SpiffWorkflow cycle, {prior:,} prior evaluation{'s' * (prior != 1)}"
        if lifted:
            label += " *"
        rows.append(
            summarize(
                label,
                ns,
                prior=prior,
                state_kb=round(len(state) / 1024, 1),
                iterator_depth_lifted=lifted,
                advances=ok,
            )
        )
        if not ok:
            log(f"  warning: {label}: the cycle does not reach the next evaluation")
    return rows, info


# --------------------------------------------------------------------------- report
