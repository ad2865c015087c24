"""Shared fixtures: a migrated, deployed and seeded SQLite template copied per test."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from engine.config import PROJECT_ROOT, Settings

BIN = Path(sys.executable).parent
# A fixed data key (engine/crypto.py); also in the environment for `kim` subprocesses.
TEST_DATA_KEY = "a7JCGv4xmqs3xyrAPlchpDAALY2MO8abMGWRyu1r7xk="
os.environ["KIM_DATA_KEYS"] = TEST_DATA_KEY


def _settings(db_path: Path) -> Settings:
    base = Settings.from_env({})
    return Settings(database_url=f"sqlite:///{db_path}", demo=True, processes_dir=base.processes_dir,
                    forms_dir=base.forms_dir, seed_file=base.seed_file, log_level="WARNING",
                    data_dir=db_path.parent, data_keys=TEST_DATA_KEY)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """One database migrated with Alembic, deployed and seeded; copied for each test."""
    path = tmp_path_factory.mktemp("template") / "kim.db"
    env = {**os.environ, "KIM_DATABASE_URL": f"sqlite:///{path}", "KIM_DEMO": "1",
           "KIM_DATA_DIR": str(path.parent), "KIM_DATA_KEYS": TEST_DATA_KEY}
    subprocess.run([str(BIN / "kim"), "setup"], check=True, env=env, cwd=PROJECT_ROOT,
                   capture_output=True)
    return path


@pytest.fixture
def db_path(template_db, tmp_path) -> Path:
    target = tmp_path / "kim.db"
    shutil.copy(template_db, target)
    return target


@pytest.fixture
def settings(db_path) -> Settings:
    return _settings(db_path)


@pytest.fixture
def app(settings):
    from api.app import create_app

    app = create_app(settings)
    yield app
    app.extensions["kim"]["engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


_TOKENS: dict[tuple[int, str], str] = {}


@pytest.fixture
def login(client):
    """login('cm-borchen') -> headers with a bearer token."""
    def _login(username: str, password: str = "demo") -> dict[str, str]:
        r = client.post("/api/v1/auth/token", json={"username": username, "password": password})
        assert r.status_code == 200, r.json
        return {"Authorization": "Bearer " + r.json["access_token"]}
    return _login


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The real gunicorn server (``kim serve``) on a free port."""

    def __init__(self, db_path: Path, workers: int = 2):
        self.db_path, self.workers = db_path, workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api/v1"
        self.proc = None

    def start(self) -> "LiveServer":
        env = {**os.environ, "KIM_DATABASE_URL": f"sqlite:///{self.db_path}", "KIM_PORT": str(self.port),
               "KIM_WORKERS": str(self.workers), "KIM_LOG_LEVEL": "WARNING"}
        self.proc = subprocess.Popen([str(BIN / "kim"), "serve"], env=env, cwd=PROJECT_ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 60
        try:
            while time.time() < deadline:
                try:
                    if requests.get(self.url + "/health", timeout=10).status_code == 200:
                        return self
                except requests.RequestException:
                    time.sleep(0.2)
            raise RuntimeError("server did not start")
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def token(self, username: str) -> dict[str, str]:
        r = requests.post(self.url + "/auth/token", json={"username": username, "password": "demo"})
        r.raise_for_status()
        return {"Authorization": "Bearer " + r.json()["access_token"]}


@pytest.fixture
def live_server(db_path):
    server = LiveServer(db_path).start()
    yield server
    server.stop()
