"""The database unreachable for a while: every request answers 503 problem+json (German), /ready turns
503, and the running server recovers by itself once the database is back, without a restart.

PostgreSQL: `kim serve` talks to the database through a TCP proxy that the test cuts (connections
reset, new ones refused) and restores. SQLite: the database directory is moved away (as when a volume
is gone) and back; pooled connections notice the file is gone (engine/db.py) instead of writing on.
"""

from __future__ import annotations

import os

import pytest
import requests
from sqlalchemy.engine import make_url

from tests import lifecycle_data as d
from tests.conftest import TestDatabase
from tests.ops.helpers import Server, TcpProxy, wait_for

# The database cut off under a running server
pytestmark = [pytest.mark.faults, pytest.mark.slow]


class Outage:
    """Takes the app's database away and brings it back, on the backend in use."""

    def __init__(self, db: TestDatabase, tmp_path):
        self.db = db
        if db.is_sqlite:
            self.folder = tmp_path / "data"
            self.folder.mkdir()
            os.replace(db.path, self.folder / "kim.db")  # no server has it open yet
            self.url = f"sqlite:///{self.folder / 'kim.db'}"
        else:
            url = make_url(db.url)
            self.proxy = TcpProxy(url.host, url.port)
            self.url = url.set(host="127.0.0.1", port=self.proxy.port).render_as_string(hide_password=False)

    def env(self) -> dict[str, str]:
        return self.db.env(KIM_DATABASE_URL=self.url, KIM_SCHEDULER="external")

    def begin(self) -> None:
        if self.db.is_sqlite:
            os.replace(self.folder, self.folder.with_name("data-away"))
        else:
            self.proxy.cut()

    def end(self) -> None:
        if self.db.is_sqlite:
            os.replace(self.folder.with_name("data-away"), self.folder)
        else:
            self.proxy.restore()


def _get(url: str, headers=None) -> requests.Response:
    return requests.get(url, headers=headers, timeout=30)


def test_requests_fail_cleanly_while_the_database_is_away_and_the_server_recovers(db, tmp_path):
    outage = Outage(db, tmp_path)
    server = Server(outage.env(), tmp_path / "serve.log", workers=2)
    try:
        h = server.token("cm-borchen")
        case = requests.post(
            server.url + "/cases",
            json={
                "municipality": "Borchen",
                "client": {"given_name": "Amina", "family_name": "Haddad", "birth_date": "1990-04-02"},
            },
            headers=h,
            timeout=30,
        ).json()
        (task,) = _get(server.url + f"/tasks?case_id={case['id']}", h).json()["items"]
        for _ in range(4):  # both workers hold pooled connections now
            r = _get(server.url + "/ready")
            assert r.status_code == 200, r.text
            assert _get(server.url + f"/cases/{case['id']}", h).status_code == 200

        outage.begin()
        answers = [_get(server.url + f"/cases/{case['id']}", h) for _ in range(4)]
        answers += [_get(server.url + "/ready") for _ in range(4)]
        answers.append(
            requests.post(
                server.url + f"/tasks/{task['id']}/complete",
                json={"data": d.FIRST_CONTACT},
                headers=h,
                timeout=30,
            )
        )
        for r in answers:
            assert r.status_code == 503, (r.request.url, r.status_code, r.text)
            assert r.headers["Content-Type"] == "application/problem+json" and r.headers["Retry-After"]
            assert "Datenbank" in r.json()["detail"]
            assert "Traceback" not in r.text and "psycopg" not in r.text and "sqlite3" not in r.text
        assert answers[4].json()["reason"] == "database unreachable"
        assert _get(server.url + "/health").status_code == 200  # alive: no reason to restart it

        outage.end()
        assert wait_for(
            lambda: all(_get(server.url + "/ready").status_code == 200 for _ in range(4)), timeout=30
        )
        for _ in range(4):
            r = _get(server.url + f"/cases/{case['id']}", h)
            assert r.status_code == 200 and r.json()["client"]["family_name"] == "Haddad"
        r = requests.post(
            server.url + f"/tasks/{task['id']}/complete",
            json={"data": d.FIRST_CONTACT},
            headers=h,
            timeout=30,
        )
        assert r.status_code == 200  # the completion tried during the outage left nothing behind
        history = _get(server.url + f"/cases/{case['id']}/history?per_page=100", h).json()["items"]
        assert [e["bpmn_id"] for e in history].count("first_contact") == 1
        assert server.proc.poll() is None  # the same server throughout
    finally:
        server.stop()
