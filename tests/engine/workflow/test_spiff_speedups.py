"""The two ways SpiffWorkflow is made cheaper (engine/workflow/walk.py, engine/workflow/quiet_log.py) change
nothing it does. The walk is compared with SpiffWorkflow's iterator at every step of every scenario
(tests/engine/workflow/round_trip.py); here: when each way is taken, and the task log."""

import logging

import pytest
from SpiffWorkflow.bpmn.util.task import BpmnTaskIterator
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine import workflow as wf
from engine.config import PROJECT_ROOT
from engine.workflow import quiet_log, walk
from engine.workflow.expressions import SCRIPT_ENGINE
from tests import lifecycle_data as d
from tests.engine.workflow.round_trip import library_walk

PROC = wf.parse_diagram((PROJECT_ROOT / "processes" / "case_lifecycle.bpmn").read_bytes(), "case_lifecycle")


def _workflow() -> BpmnWorkflow:
    workflow = BpmnWorkflow(PROC.spec, PROC.subprocess_specs, script_engine=SCRIPT_ENGINE)
    workflow.do_engine_steps()
    return workflow


def test_a_state_only_query_takes_the_walk_and_any_other_the_iterator():
    workflow = _workflow()
    assert not isinstance(workflow.get_tasks_iterator(state=TaskState.READY), BpmnTaskIterator)
    assert isinstance(workflow.get_tasks_iterator(state=TaskState.READY, manual=True), BpmnTaskIterator)
    assert isinstance(workflow.get_tasks_iterator(), BpmnTaskIterator)
    (ready,) = workflow.get_tasks(state=TaskState.READY)
    assert ready.task_spec.bpmn_id == "first_contact"


def test_an_instance_as_large_as_the_depth_limit_takes_the_iterator(monkeypatch):
    """The walk counts no depth: an instance with as many tasks as the limit could reach it."""
    workflow = _workflow()
    size = walk.task_count(workflow)
    assert size == len(workflow.get_tasks())  # no subprocess yet: every task is in the tree
    monkeypatch.setattr(walk, "MAX_DEPTH", size + 1)
    assert not isinstance(workflow.get_tasks_iterator(state=TaskState.READY), BpmnTaskIterator)
    monkeypatch.setattr(walk, "MAX_DEPTH", size)
    assert isinstance(workflow.get_tasks_iterator(state=TaskState.READY), BpmnTaskIterator)


def test_the_walk_sees_into_subprocesses_in_the_iterators_order():
    result = wf.start(PROC)
    for data in (d.FIRST_CONTACT, d.CONSENT_YES, d.ASSESS_ACCOMPANY, d.GOALS):
        result = wf.complete(PROC, result.state, result.ready[0].task_id, data)
    assert [t.bpmn_id for t in result.ready] == ["evaluation"]
    workflow = wf.runtime.load(PROC, result.state)
    assert workflow.subprocesses, "the case's work runs in an embedded subprocess"
    found = list(walk.tasks_in_state(workflow.task_tree, TaskState.ANY_MASK))
    assert found == library_walk(workflow.task_tree, TaskState.ANY_MASK)
    assert {t.workflow for t in found} == {workflow, *workflow.subprocesses.values()}


def test_state_names_are_spiffworkflows():
    names = {value: quiet_log.LIBRARY_NAME.__func__(TaskState, value) for value in range(512)}
    assert all(TaskState.get_name(value) == name for value, name in names.items())
    assert TaskState.get_name(TaskState.READY) == "READY"
    assert TaskState.get_name(TaskState.FINISHED_MASK) == "FINISHED_MASK"


@pytest.fixture
def task_log():
    level = quiet_log.TASK_LOG.level
    yield quiet_log.TASK_LOG
    quiet_log.TASK_LOG.setLevel(level)


def test_the_task_log_carries_spiffworkflows_extras_when_it_is_written(task_log, caplog):
    task_log.setLevel(logging.INFO)
    with caplog.at_level(logging.INFO, logger="spiff.task"):
        _workflow()
    changes = [r for r in caplog.records if r.name == "spiff.task" and r.msg.startswith("State changed")]
    assert changes
    record = changes[-1]
    assert record.workflow_spec == "case_lifecycle" and record.state == record.msg.rsplit(" ", 1)[1]
    assert {"task_id", "task_type", "last_state_change", "parent", "elapsed"} <= set(vars(record))


def test_no_extras_are_built_while_the_task_log_is_quiet(task_log):
    workflow = _workflow()
    (ready,) = workflow.get_tasks(state=TaskState.READY)
    task_log.setLevel(logging.WARNING)
    assert ready.collect_log_extras() == {}
    task_log.setLevel(logging.INFO)
    assert ready.collect_log_extras({"elapsed": 1.5}) == quiet_log.LIBRARY_EXTRAS(ready, {"elapsed": 1.5})
    assert ready.collect_log_extras()["task_spec"] == "first_contact"
    assert Task.collect_log_extras is quiet_log.collect_log_extras


def test_new_task_ids_are_version_4_uuids_that_keep_their_text():
    from uuid import UUID

    from engine.workflow.serializer import TaskId, new_task_id

    ids = [new_task_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for uid in ids:
        assert isinstance(uid, TaskId) and uid.version == 4 and uid.variant == "specified in RFC 4122"
        plain = UUID(int=uid.int)
        assert str(uid) == UUID.__str__(plain) and uid == plain and hash(uid) == hash(plain)
    # Every bit that is neither version nor variant varies.
    free = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
    seen_set = 0
    for uid in ids:
        seen_set |= uid.int
    assert seen_set == free | (4 << 76) | (0x8000 << 48)


def test_spiffworkflow_gives_new_tasks_such_ids():
    from engine.workflow.serializer import TaskId

    proc = wf.parse_diagram(
        (PROJECT_ROOT / "processes" / "case_lifecycle.bpmn").read_bytes(), "case_lifecycle"
    )
    workflow = BpmnWorkflow(proc.spec, proc.subprocess_specs, script_engine=SCRIPT_ENGINE)
    assert workflow.tasks and all(isinstance(t.id, TaskId) for t in workflow.tasks.values())
