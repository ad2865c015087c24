"""Against the real gunicorn server: concurrent completion and restart persistence."""

import threading

import pytest
import requests

from tests import lifecycle_data as d
from tests.api.helpers import CLIENT
from tests.conftest import LiveServer

# The real gunicorn server, started per test
pytestmark = pytest.mark.slow


def _open_case(server, h):
    r = requests.post(server.url + "/cases", json={"municipality": "borchen", "client": CLIENT}, headers=h)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.mark.faults  # two clients race for one task on the real server
def test_concurrent_completion_exactly_one_wins(live_server):
    h = live_server.token("cm-borchen")
    for _ in range(8):
        case = _open_case(live_server, h)
        (task,) = case["open_tasks"]
        barrier = threading.Barrier(2)
        codes = []

        def go(barrier=barrier, task=task, codes=codes):
            with requests.Session() as s:
                barrier.wait()
                r = s.post(
                    f"{live_server.url}/tasks/{task['id']}/complete",
                    json={"data": d.FIRST_CONTACT},
                    headers=h,
                )
                codes.append(r.status_code)
                assert r.headers["Content-Type"].startswith(
                    "application/problem+json" if r.status_code != 200 else "application/json"
                )

        threads = [threading.Thread(target=go) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(codes) == [200, 409], codes
        tasks = requests.get(f"{live_server.url}/tasks", params={"case_id": case["id"]}, headers=h).json()
        assert [t["bpmn_id"] for t in tasks["items"]] == ["consent"]
    dupes = live_server.db.rows(
        "SELECT task_id, count(*) FROM history WHERE bpmn_id='first_contact' "
        "GROUP BY task_id HAVING count(*) > 1"
    )
    assert dupes == []


def test_restart_keeps_everything(db):
    server = LiveServer(db, workers=1).start()
    try:
        h = server.token("cm-borchen")
        case = _open_case(server, h)
        r = requests.post(
            f"{server.url}/tasks/{case['open_tasks'][0]['id']}/complete",
            json={"data": d.FIRST_CONTACT},
            headers=h,
        )
        consent_id = r.json()["next_tasks"][0]["id"]
    finally:
        server.stop()
    server = LiveServer(db, workers=1).start()
    try:
        # The token survives the restart too.
        detail = requests.get(f"{server.url}/cases/{case['id']}", headers=h).json()
        assert detail["open_tasks"][0]["id"] == consent_id
        assert detail["client"]["family_name"] == CLIENT["family_name"]
        r = requests.post(f"{server.url}/tasks/{consent_id}/complete", json={"data": d.CONSENT_NO}, headers=h)
        assert r.status_code == 200 and r.json()["case"]["closure_reason"] == "no_consent"
    finally:
        server.stop()
