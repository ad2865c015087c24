"""Settings from KIM_* environment variables (documented in the README)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


@dataclass(frozen=True)
class Settings:
    """The service's settings; ``from_env`` reads them, tests build them directly."""

    database_url: str
    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 2
    demo: bool = False
    tenant: str = "paderborn"
    token_ttl_hours: int = 10
    processes_dir: Path = PROJECT_ROOT / "processes"
    forms_dir: Path = PROJECT_ROOT / "forms"
    seed_file: Path = PROJECT_ROOT / "engine" / "org" / "seed" / "kreis_paderborn.json"
    log_level: str = "INFO"
    # Timers: "embedded" runs the scheduler inside the web process, "external" leaves it
    # to `kim scheduler` processes (production).
    scheduler: str = "embedded"
    scheduler_watch_seconds: float = 0.5
    timer_lease_seconds: float = 60.0
    timer_retry_seconds: float = 30.0
    timer_max_attempts: int = 5

    def timer_policy(self):
        """The lease and retry policy for timers."""
        from .timers.service import TimerPolicy

        return TimerPolicy(lease_seconds=self.timer_lease_seconds, retry_seconds=self.timer_retry_seconds,
                           max_attempts=self.timer_max_attempts)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        """Read settings from the environment (or a given mapping)."""
        env = dict(os.environ if env is None else env)
        data_dir = Path(env.get("KIM_DATA_DIR") or PROJECT_ROOT / "var")
        default_db = f"sqlite:///{data_dir / 'kim.db'}"
        return cls(
            database_url=env.get("KIM_DATABASE_URL") or default_db,
            host=env.get("KIM_HOST") or "127.0.0.1",
            port=int(env.get("KIM_PORT") or 5000),
            workers=int(env.get("KIM_WORKERS") or 2),
            demo=_bool(env.get("KIM_DEMO"), False),
            tenant=env.get("KIM_TENANT") or "paderborn",
            token_ttl_hours=int(env.get("KIM_TOKEN_TTL_HOURS") or 10),
            processes_dir=Path(env.get("KIM_PROCESSES_DIR") or PROJECT_ROOT / "processes"),
            forms_dir=Path(env.get("KIM_FORMS_DIR") or PROJECT_ROOT / "forms"),
            seed_file=Path(env.get("KIM_SEED_FILE") or PROJECT_ROOT / "engine" / "org" / "seed"
                           / "kreis_paderborn.json"),
            log_level=env.get("KIM_LOG_LEVEL") or "INFO",
            scheduler=(env.get("KIM_SCHEDULER") or "embedded").strip().lower(),
            scheduler_watch_seconds=float(env.get("KIM_SCHEDULER_WATCH_SECONDS") or 0.5),
            timer_lease_seconds=float(env.get("KIM_TIMER_LEASE_SECONDS") or 60),
            timer_retry_seconds=float(env.get("KIM_TIMER_RETRY_SECONDS") or 30),
            timer_max_attempts=int(env.get("KIM_TIMER_MAX_ATTEMPTS") or 5),
        )
