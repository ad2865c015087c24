"""GET /metrics: Prometheus text format, for loopback clients or a bearer KIM_METRICS_TOKEN.

With a token configured every scrape must send it (a reverse proxy on the same host would
otherwise make every client look like loopback). Under gunicorn with several workers the values of
all workers are summed from PROMETHEUS_MULTIPROC_DIR; the database values are read per scrape.
"""

from __future__ import annotations

import hmac
import ipaddress
import os

from flask import Flask, Response, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from engine.metrics import DatabaseCollector

from .errors import problem

ENDPOINT = "metrics"


def _allowed(token: str) -> bool:
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def _registry() -> CollectorRegistry:
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not path:
        return REGISTRY  # one process: its own values plus process_* and python_* basics
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=path)
    return registry


def init_app(app: Flask) -> None:
    """Add the /metrics route (outside the OpenAPI document: it is for Prometheus, not for clients)."""
    settings = app.extensions["kim"]["settings"]
    database = CollectorRegistry()
    database.register(DatabaseCollector(app.extensions["kim"]["sessions"]))

    @app.route("/metrics", endpoint=ENDPOINT)
    def metrics():
        if not _allowed(settings.metrics_token):
            return problem(
                403,
                "Die Messwerte sind nur von diesem Rechner aus oder mit dem Token aus "
                "KIM_METRICS_TOKEN abrufbar.",
            )
        body = generate_latest(_registry()) + generate_latest(database)
        return Response(body, mimetype=None, content_type=CONTENT_TYPE_LATEST)
