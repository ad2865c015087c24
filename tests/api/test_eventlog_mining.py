"""The exported event log works in the tools of process mining: pm4py reads the XES and the OCEL 2.0
export and discovers a model from the XES."""

from __future__ import annotations

import pm4py
import pytest

from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case, run_to_evaluation

pytestmark = pytest.mark.slow


def test_pm4py_reads_both_exports_and_discovers_a_model(client, login, tmp_path):
    cm = login("cm-borchen")
    for n in range(3):
        case = open_case(client, cm)
        run_to_evaluation(client, cm, case["id"])
        complete(client, cm, case["id"], "evaluation", d.evaluation(n > 0, 15))
    h = login("process-owner")
    xes = client.get("/api/v1/eventlog.xes?process=case_lifecycle", headers=h)
    assert xes.status_code == 200
    path = tmp_path / "kim.xes"
    path.write_bytes(xes.get_data())
    log = pm4py.read_xes(str(path))
    assert log["case:concept:name"].nunique() == 3
    assert {"Erstgespräch", "Einwilligung", "Falleinschätzung"} <= set(log["concept:name"])
    assert set(log["org:role"]) <= {"Case-Management", "System"}
    net, initial, final = pm4py.discover_petri_net_inductive(log)
    labels = {t.label for t in net.transitions if t.label}
    assert {"Erstgespräch", "Einwilligung"} <= labels
    fitness = pm4py.fitness_token_based_replay(log, net, initial, final)
    assert fitness["perc_fit_traces"] == 100.0

    ocel = client.get("/api/v1/eventlog.jsonocel", headers=h)
    ocel_path = tmp_path / "kim.jsonocel"
    ocel_path.write_bytes(ocel.get_data())
    objects = pm4py.read_ocel2_json(str(ocel_path))
    assert "case" in set(objects.objects["ocel:type"])
    assert len(objects.events) >= 3 * 5
