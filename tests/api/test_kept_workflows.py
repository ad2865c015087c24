"""Through the API, a case's next step takes the workflow its last step kept (engine/workflow/kept.py),
and the setting ``kept_workflows`` switches it off."""

from dataclasses import replace

import pytest

from engine.workflow import kept
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case, run_to_evaluation


@pytest.fixture(autouse=True)
def _fresh():
    kept.KEPT.clear()
    yield
    kept.KEPT.clear()
    kept.KEPT.max_entries = kept.DEFAULT_ENTRIES


def _evaluations(client, headers) -> tuple[int, list[list[str]]]:
    """Three evaluations of a new case: the kept workflows taken, and the tasks each one offered next."""
    case = open_case(client, headers)
    run_to_evaluation(client, headers, case["id"])
    hits, offered = kept.KEPT.hits, []
    for _ in range(3):
        out = complete(client, headers, case["id"], "evaluation", d.evaluation(True, 1))
        offered.append([t["bpmn_id"] for t in out["next_tasks"]])
    return kept.KEPT.hits - hits, offered


def test_the_next_step_takes_the_kept_workflow(client, login):
    taken, offered = _evaluations(client, login("cm-borchen"))
    assert taken == 3
    assert offered == [["evaluation"]] * 3


def test_kept_workflows_off(settings):
    from api.app import create_app

    app = create_app(replace(settings, kept_workflows=0))
    try:
        client = app.test_client()
        r = client.post("/api/v1/auth/token", json={"username": "cm-borchen", "password": "demo"})
        headers = {"Authorization": "Bearer " + r.json["access_token"]}
        taken, offered = _evaluations(client, headers)
        assert taken == 0
        assert len(kept.KEPT) == 0
        assert offered == [["evaluation"]] * 3
    finally:
        app.extensions["kim"]["engine"].dispose()
