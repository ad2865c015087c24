"""Every diagram in processes/ runs all its paths with a save/restore round trip after every step.

Each scenario runs through the engine (state saved and restored at every step) and on plain, unpruned
SpiffWorkflow kept in memory; both must agree after every step and end with the same data
(tests/engine/workflow/round_trip.py). Together a diagram's scenarios take every element and every
flow between two elements, so a new branch without a scenario fails here.
"""

import pytest

from engine import clock
from engine import workflow as wf
from engine.config import PROJECT_ROOT
from tests import lifecycle_data as d
from tests.engine.workflow.round_trip import assert_round_trip, diagram_flows, run
from tests.engine.workflow.scenarios import BY_PROCESS

PROCESSES = PROJECT_ROOT / "processes"
PARSED = {name: wf.parse_diagram((PROCESSES / f"{name}.bpmn").read_bytes(), name) for name in BY_PROCESS}


@pytest.fixture(autouse=True)
def _real_clock():
    yield
    clock.reset()


def test_every_diagram_has_scenarios():
    assert {p.stem for p in PROCESSES.glob("*.bpmn")} == set(BY_PROCESS)


@pytest.mark.parametrize("process, name", [(p, n) for p, scenarios in BY_PROCESS.items() for n in scenarios])
def test_scenario_with_round_trips_matches_plain_engine(process, name):
    run(PARSED[process], BY_PROCESS[process][name])


@pytest.mark.parametrize("process", BY_PROCESS)
def test_scenarios_take_every_element_and_flow(process):
    proc = PARSED[process]
    nodes, flows = set(), set()
    for scenario in BY_PROCESS[process].values():
        outcome = run(proc, scenario)
        nodes |= outcome.nodes
        flows |= outcome.flows
        clock.reset()
    all_nodes, all_flows = diagram_flows(proc)
    assert all_nodes - nodes == set()
    assert all_flows - flows == set()


def test_a_state_that_does_not_restore_identically_is_caught():
    """The round-trip check can fail: a result whose state differs from what it claims is refused."""
    proc = PARSED["case_lifecycle"]
    started = wf.start(proc)
    after = wf.complete(proc, started.state, started.ready[0].task_id, d.FIRST_CONTACT)
    with pytest.raises(AssertionError):
        assert_round_trip(proc, wf.StepResult(after.state, started.ready, [], False, {}, []))
