"""Running `kim serve` / `kim scheduler` as real processes, and a TCP proxy that can be cut."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import threading
import time
from pathlib import Path

import requests

from tests.conftest import BIN, PROJECT_ROOT, free_port


def wait_for(predicate, timeout: float = 30.0, step: float = 0.1):
    """Poll until ``predicate()`` is truthy; returns its value or None after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


class Process:
    """A `kim` subprocess whose stderr goes to a file (read it with ``log_lines``)."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path):
        self.log = log
        self._err = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [str(BIN / "kim"), *args], env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=self._err
        )

    def log_lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._err.close()
        return self.proc.returncode


class Server(Process):
    """`kim serve` on a free port; ``env`` as from ``TestDatabase.env``."""

    def __init__(self, env: dict[str, str], log: Path, workers: int = 2):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = self.base + "/api/v1"
        super().__init__(["serve"], {**env, "KIM_PORT": str(self.port), "KIM_WORKERS": str(workers)}, log)
        try:
            if not wait_for(self._alive, timeout=60, step=0.2):
                raise RuntimeError("server did not start: " + log.read_text()[-2000:])
        except BaseException:
            self.stop()
            raise

    def _alive(self) -> bool:
        try:
            return requests.get(self.url + "/health", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def token(self, username: str) -> dict[str, str]:
        r = requests.post(
            self.url + "/auth/token", json={"username": username, "password": "demo"}, timeout=30
        )
        r.raise_for_status()
        return {"Authorization": "Bearer " + r.json()["access_token"]}


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target; ``cut()`` drops every connection and refuses new ones."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        """Accept connections again."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """The database becomes unreachable: open connections reset, new ones refused."""
        with self._lock:
            listener, self._listener = self._listener, None
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() alone would not
        listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                if self._listener is not listener:  # cut meanwhile
                    client.close()
                    upstream.close()
                    return
                self._sockets |= {client, upstream}
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(src, dst), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._sockets -= {src, dst}
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
