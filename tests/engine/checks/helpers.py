"""A referral to the Ausländerbehörde, a check started on it, and the check's checklist data."""

from __future__ import annotations

from tests.api.helpers import ready
from tests.engine.referrals.helpers import API, family_case, send

CRITERIA_25B = {
    "check_25b": True,
    "b_stay": "met",
    "b_fdgo": "met",
    "b_knowledge": "met",
    "b_livelihood": "met",
    "b_language": "missing",
    "b_children_school": "met",
    "b_identity": "met",
    "missing": [{"criterion": "b_language", "what": "A2-Zertifikat fehlt", "possible_from": "2027-06-01"}],
}
RESULT = {**CRITERIA_25B, "next_step": "record_result", "assessment_notes": "Sprachkurs läuft."}


def referred(app, client, login) -> tuple[dict, dict]:
    """Karim's case referred to the Ausländerbehörde for a Bleiberechtsprüfung; (case, referral)."""
    h = login("cm-borchen")
    case, m = family_case(app, client, h)
    ref = send(client, h, case["id"], "foreigners_authority", [m["Karim"]], "residence")
    return case, ref


def start(client, h, referral_id: int, kind: str = "residence", expect: int = 201) -> dict:
    r = client.post(f"{API}/referrals/{referral_id}/checks", headers=h, json={"kind": kind})
    assert r.status_code == expect, r.json
    return r.json


def task(client, h, bpmn_id: str, case_id: int | None = None) -> dict:
    """The one ready task ``bpmn_id`` in the caller's inbox (of the case, if given)."""
    items = ready(client, h, case_id) if case_id else client.get(f"{API}/tasks", headers=h).json["items"]
    (found,) = [t for t in items if t["bpmn_id"] == bpmn_id]
    return found


def do(client, h, task_id: str, data: dict, expect: int = 200) -> dict:
    r = client.post(f"{API}/tasks/{task_id}/complete", json={"data": data}, headers=h)
    assert r.status_code == expect, r.json
    return r.json


def checks_of(client, h, case_id: int) -> list[dict]:
    r = client.get(f"{API}/cases/{case_id}/checks", headers=h)
    assert r.status_code == 200, r.json
    return r.json["items"]
