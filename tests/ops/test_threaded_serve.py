"""`kim serve` with thread workers (KIM_THREADS) for real: kept-alive clients are answered one request
after another on their connection, an idle one gives its thread back, and two clients on one thread
take turns instead of one waiting for the other to finish (api/wsgi_worker.py)."""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from dataclasses import replace

import pytest

from api.wsgi_server import THREAD_WORKER, _Server
from tests.ops.helpers import Server

# Real `kim serve` processes
pytestmark = pytest.mark.slow


def _health(conn: http.client.HTTPConnection) -> float:
    """GET /health on a kept-alive connection; the time it was answered (monotonic)."""
    conn.request("GET", "/api/v1/health")
    response = conn.getresponse()
    assert response.status == 200 and not response.will_close
    response.read()
    return time.monotonic()


def test_thread_workers_are_the_lingering_worker(settings):
    server = _Server(replace(settings, threads=2), 1)
    assert server.cfg.worker_class_str == THREAD_WORKER
    assert server.cfg.threads == 2
    assert _Server(replace(settings, threads=0), 1).cfg.worker_class_str == "sync"


def test_kept_alive_clients_on_one_thread(db, tmp_path):
    server = Server(db.env(KIM_THREADS="1", KIM_SCHEDULER="external"), tmp_path / "serve.log", workers=1)
    try:
        first = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        _health(first)
        socket_of_first = first.sock
        # one request after another on the same connection, every one answered on it
        for _ in range(30):
            _health(first)
        assert first.sock is socket_of_first

        # the first client idles with its connection open: the one thread is free for a second client
        second = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        started = time.monotonic()
        _health(second)
        assert time.monotonic() - started < 5  # not held until the first's keep-alive (15 s) runs out
        # after idling longer than the linger, the first client's connection is served again
        time.sleep(0.2)
        _health(first)
        assert first.sock is socket_of_first

        # two clients sending back to back take turns on the one thread
        answered: dict[str, list[float]] = {"first": [], "second": []}

        def client(name: str, conn: http.client.HTTPConnection) -> None:
            for _ in range(40):
                answered[name].append(_health(conn))

        threads = [threading.Thread(target=client, args=a) for a in (("first", first), ("second", second))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert [len(v) for v in answered.values()] == [40, 40]
        # neither waited for the other to finish: each got answers while the other was still sending
        assert answered["second"][0] < answered["first"][-1]
        assert answered["first"][0] < answered["second"][-1]
        interleaved = sorted((t, name) for name, times in answered.items() for t in times)
        switches = sum(1 for a, b in itertools.pairwise(interleaved) if a[1] != b[1])
        assert switches >= 10
        first.close()
        second.close()
    finally:
        assert server.stop() == 0
