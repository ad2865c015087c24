"""Per request: an X-Request-ID, one access log line and the latency histogram.

The access line carries method, path (without the query string: searches may hold client
names), status and duration; never a body.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, g, request
from prometheus_client import Histogram

from engine import logs

access_log = logging.getLogger("kim.access")
REQUEST_LATENCY = Histogram(
    "kim_http_request_duration_seconds",
    "Time to answer a request, by route, method and status",
    ["endpoint", "method", "status"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def _start() -> None:
    g.started = time.perf_counter()
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _SAFE_ID.fullmatch(given) else uuid.uuid4().hex
    g.request_id_token = logs.request_id.set(g.request_id)


def _finish(response):
    started = g.get("started")
    if started is None:  # a response made before our first hook ran
        return response
    seconds = time.perf_counter() - started
    # The route pattern, not the URL: a bounded label set (unknown URLs are all "none").
    endpoint = request.url_rule.rule if request.url_rule is not None else "none"
    REQUEST_LATENCY.labels(
        endpoint=endpoint, method=request.method, status=str(response.status_code)
    ).observe(seconds)
    response.headers["X-Request-ID"] = g.request_id
    access_log.info(
        "%s %s %s %.1fms",
        request.method,
        request.path,
        response.status_code,
        seconds * 1000,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 2),
        },
    )
    return response


def _reset(_exc=None) -> None:
    token = g.pop("request_id_token", None)
    if token is not None:
        try:
            logs.request_id.reset(token)
        except ValueError:  # set in another context (a copied request context): just clear it
            logs.request_id.set(None)


def init_app(app: Flask) -> None:
    """Register the hooks; call before any other before_request hook (authentication)."""
    app.before_request(_start)
    app.after_request(_finish)
    app.teardown_request(_reset)
