"""Stored instance states keep loading: the state format (``kim-1``) is read and written by faster task
converters (engine/workflow/serializer.py) than SpiffWorkflow's own, with the same JSON.

The fixture is a case at its third evaluation, stored by the converters used before (SpiffWorkflow's),
with the diagram version it belongs to. Every scenario step compares both ways as well
(tests/engine/workflow/round_trip.py, ``assert_round_trip``).
"""

from pathlib import Path

from engine import workflow as wf
from engine.workflow import serializer
from tests.engine.workflow.round_trip import spiff_dumps, spiff_loads

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
STORED = (FIXTURES / "state_case_lifecycle_kim1.json").read_text()
PROC = wf.parse_diagram((FIXTURES / "state_case_lifecycle_kim1.bpmn").read_bytes(), "case_lifecycle")
EVALUATION = {"evaluation_date": "2026-11-15", "continue": True}


def test_a_state_stored_by_spiffworkflows_converters_loads_and_saves_unchanged():
    restored = serializer.loads(STORED, PROC.spec, PROC.subprocess_specs)
    assert serializer.dumps(restored) == STORED
    assert _same_tasks(restored, spiff_loads(STORED, PROC))


def _same_tasks(a, b) -> bool:
    """Same ids, states, elements, data and tree in both restored workflows."""

    def tasks(w):
        return {
            str(t.id): (t.state, t.task_spec.name, t.data, str(t._parent), [str(c) for c in t._children])
            for t in w.get_tasks()
        }

    return len(tasks(a)) > 5 and tasks(a) == tasks(b)


def test_the_stored_case_goes_on_and_both_converters_write_the_same_state():
    restored = serializer.loads(STORED, PROC.spec, PROC.subprocess_specs)
    (ready,) = [t for t in restored.get_tasks() if t.task_spec.manual and t.state == 16]  # READY
    assert ready.task_spec.bpmn_id == "evaluation"
    assert ready.data["evaluation_date"] == "2026-11-15"  # the earlier evaluations' data came back

    after = wf.complete(PROC, STORED, str(ready.id), EVALUATION)
    assert [t.bpmn_id for t in after.ready] == ["evaluation"]
    again = serializer.loads(after.state, PROC.spec, PROC.subprocess_specs)
    assert spiff_dumps(again) == after.state == serializer.dumps(spiff_loads(after.state, PROC))


def test_a_changed_state_is_not_written_back_unchanged():
    """The comparison can fail: a task's data changed after loading shows in the written state."""
    restored = serializer.loads(STORED, PROC.spec, PROC.subprocess_specs)
    task = next(t for t in restored.get_tasks() if t.task_spec.bpmn_id == "evaluation")
    task.data["note"] = "geändert"
    assert serializer.dumps(restored) != STORED
    assert serializer.dumps(restored) == spiff_dumps(restored)
