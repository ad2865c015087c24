"""``kim serve``: the web app under gunicorn (api/wsgi_server.py)."""

from __future__ import annotations

import click

from .cli_common import settings as load_settings
from .wsgi_server import run


@click.command()
@click.option("--workers", type=int, default=None, help="gunicorn workers (default KIM_WORKERS)")
def serve(workers: int | None) -> None:
    """Serve the app with gunicorn on KIM_HOST:KIM_PORT."""
    settings = load_settings()
    run(settings, workers or settings.workers)
