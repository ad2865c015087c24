"""The lifecycle through the engine layer: refused completions, failures, withdrawal, long loops.

Its scenarios, with a save/restore round trip after every step and compared with plain
SpiffWorkflow, run with those of every diagram in test_round_trips.py.
"""

import pytest
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine import workflow as wf
from engine.config import PROJECT_ROOT
from engine.workflow.expressions import RestrictedEnvironment
from tests import lifecycle_data as d

PROC = wf.parse_diagram((PROJECT_ROOT / "processes" / "case_lifecycle.bpmn").read_bytes(), "case_lifecycle")


def _plain_workflow():
    return BpmnWorkflow(
        PROC.spec,
        PROC.subprocess_specs,
        script_engine=PythonScriptEngine(environment=RestrictedEnvironment()),
    )


def _plain_ready(w):
    return list(w.get_tasks(state=TaskState.READY, manual=True))


def test_completing_twice_or_unknown_task_is_refused():
    result = wf.start(PROC)
    first = result.ready[0]
    after = wf.complete(PROC, result.state, first.task_id, d.FIRST_CONTACT)
    with pytest.raises(wf.TaskNotReady):
        wf.complete(PROC, after.state, first.task_id, d.FIRST_CONTACT)
    with pytest.raises(wf.TaskNotReady):
        wf.complete(PROC, after.state, "not-a-uuid", {})


def test_engine_error_leaves_stored_state_untouched():
    result = wf.start(PROC)
    result = wf.complete(PROC, result.state, result.ready[0].task_id, d.FIRST_CONTACT)
    before = result.state
    with pytest.raises(wf.EngineFailure) as err:
        # No consent_given: the gateway's condition cannot be evaluated.
        wf.complete(PROC, before, result.ready[0].task_id, {})
    assert err.value.element_id == "gw_consent"
    again = wf.complete(PROC, before, result.ready[0].task_id, d.CONSENT_YES)
    assert [t.bpmn_id for t in again.ready] == ["assessment"]


def test_withdrawal_cancels_open_tasks_and_closes():
    result = wf.start(PROC)
    with pytest.raises(wf.NotWaiting):
        wf.send_message(PROC, result.state, "consent_withdrawn")
    for _bpmn_id, data in [
        ("first_contact", d.FIRST_CONTACT),
        ("consent", d.CONSENT_YES),
        ("assessment", d.ASSESS_ACCOMPANY),
        ("goal_agreement", d.GOALS),
    ]:
        result = wf.complete(PROC, result.state, result.ready[0].task_id, data)
    result = wf.send_message(PROC, result.state, "consent_withdrawn")
    assert result.completed and result.ready == []
    assert result.data["closure_reason"] == "consent_withdrawn"
    assert ("evaluation", "CANCELLED") in [(f.bpmn_id, f.state) for f in result.finished]


@pytest.mark.slow  # 2,000 engine steps (about 5 s)
def test_two_thousand_evaluations_close_correctly_with_flat_state():
    result = wf.start(PROC)
    for _bpmn_id, data in [
        ("first_contact", d.FIRST_CONTACT),
        ("consent", d.CONSENT_YES),
        ("assessment", d.ASSESS_ACCOMPANY),
        ("goal_agreement", d.GOALS),
    ]:
        result = wf.complete(PROC, result.state, result.ready[0].task_id, data)
    sizes = {}
    seen = set()
    for i in range(2000):
        (task,) = result.ready
        assert task.bpmn_id == "evaluation" and task.task_id not in seen
        seen.add(task.task_id)
        result = wf.complete(PROC, result.state, task.task_id, d.evaluation(True, 1 + i % 28))
        if i in (9, 1999):
            sizes[i] = len(result.state)
    assert sizes[1999] <= sizes[9] * 1.05, sizes
    result = wf.complete(PROC, result.state, result.ready[0].task_id, d.evaluation(False))
    result = wf.complete(PROC, result.state, result.ready[0].task_id, d.FINAL)
    result = wf.complete(PROC, result.state, result.ready[0].task_id, d.CLOSURE_GOALS_MET)
    assert result.completed and result.data["closure_reason"] == "goals_met"


@pytest.mark.slow  # 700 unpruned steps (about 4 s)
def test_plain_spiffworkflow_stalls_in_long_loops():
    """Documents the trap the pruning avoids: unpruned, the loop silently stops (~497 iterations)."""
    plain = _plain_workflow()
    plain.do_engine_steps()
    for _bpmn_id, data in [
        ("first_contact", d.FIRST_CONTACT),
        ("consent", d.CONSENT_YES),
        ("assessment", d.ASSESS_ACCOMPANY),
        ("goal_agreement", d.GOALS),
    ]:
        task = _plain_ready(plain)[0]
        task.data.update(data)
        task.run()
        plain.do_engine_steps()
    done = 0
    for _ in range(700):
        ready = _plain_ready(plain)
        if not ready:
            break
        ready[0].data.update(d.evaluation(True))
        ready[0].run()
        plain.do_engine_steps()
        done += 1
    assert done < 700, "SpiffWorkflow no longer stalls; the depth workaround may be unnecessary"
