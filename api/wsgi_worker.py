"""gunicorn's thread worker, answering a kept-alive client's next request on the same thread.

gunicorn's gthread worker gives a kept-alive connection back to its main thread after every answer:
the main thread waits for the client's next request and hands it to a pool thread again. So every
request wakes the main thread twice and a pool thread once, and a client that sends its requests one
after another (an integration, a page loading its data) waits for those hand-overs each time: on two
cores, `GET /health` took 1.0-1.4 ms that way and 0.7-0.9 ms with this worker (docs/performance.md).

Here the thread that answered waits a moment (``LINGER_SECONDS``) for the same client's next request
and answers it too, but only while no other connection waits for a thread. What does not arrive in
that moment goes back to the main thread as before, so an idle connection holds no thread for longer,
and a waiting connection delays the next request of a lingering one by one answer at most.
"""

from __future__ import annotations

import select
import threading

from gunicorn.workers.gthread import ThreadWorker

# How long a thread waits for a kept-alive client's next request before handing the connection back.
LINGER_SECONDS = 0.005


class LingeringThreadWorker(ThreadWorker):
    """gthread, with a kept-alive client's next request answered by the thread that is free anyway."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._queue_lock = threading.Lock()
        self._queued = 0  # connections handed to the pool and not yet taken by a thread

    def enqueue_req(self, conn):
        with self._queue_lock:
            self._queued += 1
        super().enqueue_req(conn)

    def handle(self, conn):
        with self._queue_lock:
            self._queued -= 1
        while True:
            keep = super().handle(conn)
            if keep is not True or not self.alive or conn.is_http2 or not self._next_request_here(conn):
                return keep

    def _next_request_here(self, conn) -> bool:
        """Whether the connection's next request is here or arrives within the linger, while no other
        connection waits for a thread."""
        if conn.parser.unreader.buf.getvalue():
            return True  # read ahead with the last body; gthread enqueues such a connection at once too
        if self._queued:  # another connection waits for a thread: hand this one back
            return False
        poller = select.poll()
        try:
            poller.register(conn.sock, select.POLLIN)
            return bool(poller.poll(LINGER_SECONDS * 1000))
        except (OSError, ValueError):
            return False
