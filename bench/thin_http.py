"""A keep-alive HTTP/1.1 connection per thread that puts nothing between the timer and the socket.

``requests`` costs the client about half a millisecond per request on this machine (building the
request, hooks, cookies, its connection pool): `GET /health` took 1.5 ms with a ``requests.Session``
and 1.0 ms with ``http.client`` in the same minute against the same server. The benchmarks time the
server, so the exchange they time is the standard library's: the body is encoded before the timer
starts and parsed after it stops.
"""

from __future__ import annotations

import http.client
import threading
import time
from urllib.parse import urlsplit

# Reconnect before a connection that the server may have closed meanwhile (its keep-alive: 15 s,
# api/wsgi_server.py): a request is never sent twice.
IDLE_SECONDS = 10.0


class ThinClient:
    """Timed exchanges with the server at ``base`` (e.g. http://127.0.0.1:5077/api/v1)."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.host, self.port, self.prefix = parts.hostname or "127.0.0.1", parts.port or 80, parts.path
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is not None and time.monotonic() - self._local.used > IDLE_SECONDS:
            conn.close()
            conn = None
        if conn is None:
            conn = self._local.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        return conn

    def exchange(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, int, bytes]:
        """(elapsed ns from sending the request to reading the whole response, status, response body)."""
        conn = self._connection()
        t0 = time.perf_counter_ns()
        conn.request(method, self.prefix + path, body=body, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        elapsed = time.perf_counter_ns() - t0
        self._local.used = time.monotonic()
        if response.will_close:
            conn.close()
            self._local.conn = None
        return elapsed, response.status, raw
