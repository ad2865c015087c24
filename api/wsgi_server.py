"""Running the app under gunicorn, the production WSGI server."""
from __future__ import annotations

from gunicorn.app.base import BaseApplication

from engine.config import Settings


class _Server(BaseApplication):
    def __init__(self, settings: Settings, workers: int):
        self._settings = settings
        self._workers = workers
        super().__init__()

    def load_config(self):
        self.cfg.set("bind", f"{self._settings.host}:{self._settings.port}")
        self.cfg.set("workers", self._workers)
        # Sync workers measured faster than gthread here (bench/, docs/performance.md),
        # even though they close the connection after each request.
        self.cfg.set("worker_class", "sync")
        self.cfg.set("accesslog", "-")
        self.cfg.set("timeout", 60)
        self.cfg.set("graceful_timeout", 10)

    def load(self):
        from .app import create_app

        app = create_app(self._settings)
        if self._settings.scheduler == "embedded":
            _start_scheduler(app, self._settings)
        return app


def _start_scheduler(app, settings: Settings) -> None:
    """The embedded default: each worker runs a scheduler; leases keep firing exactly-once."""
    import atexit

    from engine.retention import service as retention
    from engine.scheduler import TimerScheduler

    sched = TimerScheduler(app.extensions["kim"]["sessions"], policy=settings.timer_policy(),
                           watch_seconds=settings.scheduler_watch_seconds).start()
    retention.install(sched, app.extensions["kim"]["sessions"], settings)
    app.extensions["kim"]["scheduler"] = sched
    atexit.register(sched.shutdown)


def run(settings: Settings, workers: int) -> None:
    """Serve until stopped."""
    _Server(settings, workers).run()
