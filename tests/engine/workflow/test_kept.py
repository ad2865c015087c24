"""Workflows kept between steps (engine/workflow/kept.py) change nothing a step writes.

Every scenario of every diagram runs twice with the same task ids and the same clock: once restoring
the workflow from its stored state at every step, once taking the workflow the last step left behind.
The states written, the tasks offered, the timers and the data must be the very same at every step.
"""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from uuid import UUID

import pytest
import SpiffWorkflow.task as spiff_task

from engine import clock
from engine import workflow as wf
from engine.workflow import kept, runtime
from tests import lifecycle_data as d
from tests.engine.workflow.round_trip import Complete, Message, Travel
from tests.engine.workflow.scenarios import BY_PROCESS
from tests.engine.workflow.test_round_trips import PARSED

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


class _Clock:
    """A clock that moves only when told: SpiffWorkflow's task times and engine.clock alike."""

    def __init__(self):
        self.now = START
        me = self

        class Frozen(datetime):
            @classmethod
            def now(cls, tz=None):
                return me.now if tz is not None else me.now.replace(tzinfo=None)

        self.datetime = Frozen

    def time(self) -> float:
        return self.now.timestamp()


@pytest.fixture
def steady(monkeypatch):
    """Task ids from a seeded generator and a clock that stands still between steps."""
    frozen = _Clock()
    monkeypatch.setattr(clock, "datetime", frozen.datetime)
    monkeypatch.setattr(spiff_task, "time", SimpleNamespace(time=frozen.time))

    def restart(seed: int = 7):
        rng = random.Random(seed)
        monkeypatch.setattr(spiff_task, "uuid4", lambda: UUID(int=rng.getrandbits(128), version=4))
        frozen.now = START
        clock.reset()

    yield SimpleNamespace(restart=restart, clock=frozen)
    clock.reset()
    kept.KEPT.clear()


@pytest.fixture
def keeping(monkeypatch):
    """Kept workflows on (``True``) or off."""

    def switch(on: bool):
        kept.KEPT.clear()
        monkeypatch.setattr(kept.KEPT, "max_entries", 64 if on else 0)

    return switch


def _task(proc, result, step: Complete) -> str:
    tasks = [t for t in result.ready if t.bpmn_id == step.bpmn_id]
    if step.pick is None:
        return tasks[0].task_id
    return min(tasks, key=lambda t: wf.task_data(proc, result.state, t.task_id)[step.pick]).task_id


def _steps(proc, scenario, steady) -> list[tuple]:
    """The scenario's steps through the engine: what each one wrote and handed out."""
    steady.restart()
    if scenario.start_at is not None:
        clock.travel_to(scenario.start_at)
    result = wf.start(proc)
    seen = []
    for step in scenario.steps:
        seen.append(_seen(result))
        steady.clock.now += timedelta(seconds=1)
        if isinstance(step, Complete):
            result = wf.complete(proc, result.state, _task(proc, result, step), step.data)
        elif isinstance(step, Travel):
            clock.travel_to(step.moment)
            result = wf.fire_timers(proc, result.state)
        else:
            assert isinstance(step, Message)
            result = wf.send_message(proc, result.state, step.name, step.payload, step.result_var)
    seen.append(_seen(result))
    return seen


def _seen(result: wf.StepResult) -> tuple:
    return (result.state, result.ready, result.finished, result.completed, result.data, result.timers)


@pytest.mark.parametrize("process, name", [(p, n) for p, scenarios in BY_PROCESS.items() for n in scenarios])
def test_a_kept_workflow_writes_what_a_restored_one_writes(process, name, steady, keeping):
    proc, scenario = PARSED[process], BY_PROCESS[process][name]
    keeping(False)
    restored = _steps(proc, scenario, steady)
    keeping(True)
    hits = kept.KEPT.hits
    taken = _steps(proc, scenario, steady)
    assert kept.KEPT.hits - hits == len(scenario.steps)  # every step took the last step's workflow
    assert len(taken) == len(restored)
    for number, (mine, theirs) in enumerate(zip(taken, restored, strict=True)):
        assert mine == theirs, f"step {number} of {process}/{name}"


def test_the_steady_run_is_steady(steady, keeping):
    """The comparison above can fail: the same run with other task ids writes other states."""
    proc, scenario = PARSED["case_lifecycle"], next(iter(BY_PROCESS["case_lifecycle"].values()))
    keeping(False)
    first = _steps(proc, scenario, steady)
    assert _steps(proc, scenario, steady) == first
    monkey_seed = steady.restart
    steady.restart = lambda: monkey_seed(8)
    assert _steps(proc, scenario, steady)[-1][0] != first[-1][0]


def _at_consent(proc):
    started = wf.start(proc)
    return wf.complete(proc, started.state, started.ready[0].task_id, d.FIRST_CONTACT)


def test_another_state_restores_and_a_taken_workflow_is_gone(keeping):
    keeping(True)
    proc = PARSED["case_lifecycle"]
    after = _at_consent(proc)
    assert len(kept.KEPT) == 1
    # The row still holds the state before (the step's transaction was rolled back): restored.
    hits = kept.KEPT.hits
    started = wf.start(proc)
    kept.KEPT.clear()
    again = wf.complete(proc, started.state, started.ready[0].task_id, d.FIRST_CONTACT)
    assert kept.KEPT.hits == hits
    assert [t.bpmn_id for t in again.ready] == [t.bpmn_id for t in after.ready]
    # Taken once, the entry is gone: a second take of the same text restores.
    workflow = kept.KEPT.take(proc, again.state)
    assert workflow is not None
    assert kept.KEPT.take(proc, again.state) is None
    # Another parsed process with the same text finds nothing.
    kept.KEPT.keep(proc, again.state, workflow)
    other = wf.parse_diagram((runtime_root() / "case_lifecycle.bpmn").read_bytes(), "case_lifecycle")
    assert kept.KEPT.take(other, again.state) is None


def runtime_root():
    from engine.config import PROJECT_ROOT

    return PROJECT_ROOT / "processes"


def test_what_the_caller_does_with_the_data_does_not_reach_the_kept_workflow(keeping):
    keeping(True)
    proc = PARSED["case_lifecycle"]
    form = {**d.FIRST_CONTACT, "notes_list": ["a"]}
    started = wf.start(proc)
    after = wf.complete(proc, started.state, started.ready[0].task_id, form)
    form["notes_list"].append("changed by the caller")
    after.data["notes_list"].append("changed by a hook")
    workflow = kept.KEPT.take(proc, after.state)
    assert wf.serializer.dumps(workflow) == after.state
    assert workflow.last_task.data["notes_list"] == ["a"]


def test_a_workflow_whose_values_would_come_back_otherwise_is_not_kept(keeping):
    keeping(True)
    proc = PARSED["case_lifecycle"]
    started = wf.start(proc)
    for value in [(1, 2), {1: "a"}, datetime(2026, 1, 1, tzinfo=UTC), {"x": [1, (2,)]}]:
        kept.KEPT.clear()
        after = wf.complete(proc, started.state, started.ready[0].task_id, {**d.FIRST_CONTACT, "odd": value})
        assert len(kept.KEPT) == 0, value
        assert wf.complete(proc, after.state, after.ready[0].task_id, d.CONSENT_YES).ready
    kept.KEPT.clear()
    wf.complete(proc, started.state, started.ready[0].task_id, {**d.FIRST_CONTACT, "fine": [1, {"a": None}]})
    assert len(kept.KEPT) == 1


def test_a_value_equal_to_its_parents_of_another_type_is_not_kept():
    proc = PARSED["case_lifecycle"]
    workflow = runtime.load(proc, wf.start(proc).state)
    task = workflow.get_tasks(state=spiff_task.TaskState.READY)[0]
    child = task.children[0] if task.children else None
    assert kept.faithful(workflow)
    task.data["count"] = 1
    if child is not None:
        child.data["count"] = 1.0  # restored from the delta as the parent's 1
        assert not kept.faithful(workflow)
        child.data["count"] = [1.0]
        task.data["count"] = [1]
        assert not kept.faithful(workflow)
        child.data["count"] = [1]
        assert kept.faithful(workflow)


def test_a_failed_step_leaves_nothing_kept(keeping):
    keeping(True)
    proc = PARSED["case_lifecycle"]
    started = wf.start(proc)
    after = wf.complete(proc, started.state, started.ready[0].task_id, d.FIRST_CONTACT)
    assert len(kept.KEPT) == 1
    with pytest.raises(wf.TaskNotReady):  # the first contact is done already
        wf.complete(proc, after.state, started.ready[0].task_id, d.FIRST_CONTACT)
    assert len(kept.KEPT) == 0


def test_the_entries_are_bounded_and_none_when_switched_off(keeping):
    keeping(True)
    proc = PARSED["case_lifecycle"]
    kept.KEPT.max_entries = 3
    states = [wf.start(proc).state for _ in range(5)]
    assert len(kept.KEPT) == 3
    assert kept.KEPT.take(proc, states[0]) is None  # the oldest went first
    assert kept.KEPT.take(proc, states[-1]) is not None
    keeping(False)
    wf.start(proc)
    assert len(kept.KEPT) == 0


def test_threads_never_share_a_kept_workflow(keeping):
    keeping(True)
    proc = PARSED["case_lifecycle"]
    state = wf.start(proc).state
    got, barrier = [], threading.Barrier(8)

    def take():
        barrier.wait()
        got.append(kept.KEPT.take(proc, state))

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(w is not None for w in got) == 1


def test_a_message_payload_changed_by_its_sender_does_not_reach_the_kept_workflow(keeping):
    keeping(True)
    proc = PARSED["referral"]
    scenario = next(
        s for s in BY_PROCESS["referral"].values() if any(isinstance(x, Message) for x in s.steps)
    )
    result = wf.start(proc)
    for step in scenario.steps:
        if isinstance(step, Message):
            payload = {**(step.payload or {}), "added": ["a"]}
            after = wf.send_message(proc, result.state, step.name, payload, step.result_var)
            payload["added"].append("changed by the sender")
            workflow = kept.KEPT.take(proc, after.state)
            assert workflow is not None
            assert wf.serializer.dumps(workflow) == after.state
            return
        if isinstance(step, Complete):
            result = wf.complete(proc, result.state, _task(proc, result, step), step.data)
        else:
            clock.travel_to(step.moment)
            result = wf.fire_timers(proc, result.state)
    pytest.fail("no message in the referral's scenarios")
