"""Stored instance states keep loading: the state format (``kim-1``) is read and written by faster task
converters (engine/workflow/serializer.py) than SpiffWorkflow's own, with the same JSON.

The fixture is a case at its third evaluation, stored by the converters used before (SpiffWorkflow's),
with the diagram version it belongs to. Every scenario step compares both ways as well
(tests/engine/workflow/round_trip.py, ``assert_round_trip``).
"""

import copy
import json
import pickle
from pathlib import Path
from uuid import UUID

import pytest

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


def test_ids_read_from_a_state_are_uuids_that_keep_their_text():
    restored = serializer.loads(STORED, PROC.spec, PROC.subprocess_specs)
    ids = list(restored.tasks)
    assert ids and all(isinstance(i, serializer.TaskId) for i in ids)
    for uid in ids:
        plain = UUID(str(uid))
        assert uid == plain and hash(uid) == hash(plain) and restored.tasks[plain] is restored.tasks[uid]
        assert str(uid) == str(plain) and repr(uid) == repr(plain) and uid.int == plain.int
        assert type(copy.deepcopy(uid)) is UUID and pickle.loads(pickle.dumps(uid)) == plain
    upper = str(ids[0]).upper()
    assert type(serializer.task_id(upper)) is UUID and serializer.task_id(upper) == ids[0]
    with pytest.raises(ValueError):
        serializer.task_id("not-a-uuid")


def test_a_task_id_in_the_data_is_written_and_read_as_any_uuid():
    restored = serializer.loads(STORED, PROC.spec, PROC.subprocess_specs)
    uid = next(iter(restored.tasks))
    restored.data["seen"] = uid
    written = serializer.dumps(restored)
    restored.data["seen"] = UUID(str(uid))
    assert written == serializer.dumps(restored) == spiff_dumps(restored)
    assert json.loads(written)["data"]["seen"] == {"value": str(uid), "typename": "UUID"}
    assert serializer.loads(written, PROC.spec, PROC.subprocess_specs).data["seen"] == uid
