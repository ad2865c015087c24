"""Running the app under gunicorn, the production WSGI server."""

from __future__ import annotations

import atexit
import gc
import os
from pathlib import Path

from gunicorn.app.base import BaseApplication

from engine import logs
from engine.config import Settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# How long an idle client connection stays open; a reverse proxy's upstream keep-alive timeout
# (nginx: keepalive_timeout in the upstream block) should be shorter.
KEEPALIVE_SECONDS = 15
THREAD_WORKER = "api.wsgi_worker.LingeringThreadWorker"


def _child_exit(_server, worker) -> None:
    """A worker ended: drop its live gauges from the shared metrics directory."""
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


class _Server(BaseApplication):
    def __init__(self, settings: Settings, workers: int):
        self._settings = settings
        self._workers = workers
        super().__init__()

    def load_config(self):
        self.cfg.set("bind", f"{self._settings.host}:{self._settings.port}")
        self.cfg.set("workers", self._workers)
        # Sync workers by default: under load on PostgreSQL they serve about twice the completions of
        # gthread workers (docs/performance.md, "Eight round trips ... under load"). KIM_THREADS=N
        # runs gthread workers of N threads, which keep client connections open (a single client
        # saves a TCP connection per request); the thread that answered a request waits a moment for
        # the same client's next one (api/wsgi_worker.py).
        if self._settings.threads > 0:
            self.cfg.set("worker_class", THREAD_WORKER)
            self.cfg.set("threads", self._settings.threads)
            self.cfg.set("keepalive", KEEPALIVE_SECONDS)
        else:
            self.cfg.set("worker_class", "sync")
        # The app writes its own access line (JSON or text, with request id and duration).
        self.cfg.set("accesslog", None)
        self.cfg.set("logconfig_dict", logs.dict_config(self._settings.log_level, self._settings.log_format))
        self.cfg.set("child_exit", _child_exit)
        self.cfg.set("timeout", 60)
        self.cfg.set("graceful_timeout", 10)
        # gunicorn's own 414 is text/html: its limit (the maximum it allows) sits above the app's,
        # which answers overlong addresses as problem+json (api/errors.py).
        self.cfg.set("limit_request_line", 8190)

    def load(self):
        from .app import create_app

        app = create_app(self._settings)
        if self._settings.scheduler == "embedded":
            _start_scheduler(app, self._settings)
        freeze_startup_heap()
        return app


def freeze_startup_heap() -> None:
    """Keep what the worker built at start-up (modules, the app, mappers, parsed specs) out of the
    garbage collector's full collections.

    A full collection visits every tracked object: about 260,000 in a worker, 157 ms every thousand or
    so requests, which the request that triggers it waits for (docs/performance.md). Objects that live
    as long as the worker never become garbage, so ``gc.freeze`` moves them out of the collector's
    sight; everything created afterwards is collected as before."""
    gc.collect()
    gc.freeze()


def _start_scheduler(app, settings: Settings) -> None:
    """The embedded default: each worker runs a scheduler; leases keep firing exactly-once."""
    from engine.scheduler import TimerScheduler, install_housekeeping, timer_policy

    sched = TimerScheduler(
        app.extensions["kim"]["sessions"],
        policy=timer_policy(settings),
        watch_seconds=settings.scheduler_watch_seconds,
    ).start()
    install_housekeeping(sched, app.extensions["kim"]["sessions"], settings)
    app.extensions["kim"]["scheduler"] = sched
    atexit.register(sched.shutdown)


def prepare_metrics_dir(settings: Settings, workers: int) -> Path | None:
    """Several workers share their metrics through files: a clean directory per server (per port).

    Must run before anything imports prometheus_client. An operator's PROMETHEUS_MULTIPROC_DIR wins.
    """
    given = os.environ.get(MULTIPROC_ENV)
    if not given and workers <= 1:
        return None
    path = Path(given) if given else settings.data_dir / f"metrics-{settings.port}"
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):  # values of an earlier run would be added to this one's
        stale.unlink()
    os.environ[MULTIPROC_ENV] = str(path)
    return path


def run(settings: Settings, workers: int) -> None:
    """Serve until stopped."""
    prepare_metrics_dir(settings, workers)
    _Server(settings, workers).run()
