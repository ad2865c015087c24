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
    # 0 (default): sync workers (one request per process at a time, a new connection per request);
    # N: gthread workers of N threads (keep-alive connections), slower under load (docs/production.md).
    threads: int = 0
    # Workflows each process keeps in memory after a step, so the instance's next step need not
    # restore its state (engine/workflow/kept.py); 0: none.
    kept_workflows: int = 64
    demo: bool = False
    tenant: str = "paderborn"
    token_ttl_hours: int = 10
    processes_dir: Path = PROJECT_ROOT / "processes"
    forms_dir: Path = PROJECT_ROOT / "forms"
    seed_file: Path = PROJECT_ROOT / "engine" / "org" / "seed" / "kreis_paderborn.json"
    log_level: str = "INFO"
    # "json" (one object per line), "text", or "auto": text on a terminal, JSON otherwise.
    log_format: str = "auto"
    # GET /metrics: with a token every scrape needs it as a bearer token; without one only
    # loopback clients may scrape. `kim scheduler` serves its own metrics on metrics_port (0: off).
    metrics_token: str = ""
    metrics_port: int = 0
    metrics_host: str = "127.0.0.1"
    # Timers: "embedded" runs the scheduler inside the web process, "external" leaves it
    # to `kim scheduler` processes (production).
    scheduler: str = "embedded"
    scheduler_watch_seconds: float = 0.5
    timer_lease_seconds: float = 60.0
    timer_retry_seconds: float = 30.0
    timer_max_attempts: int = 5
    data_dir: Path = PROJECT_ROOT / "var"
    # Encryption at rest (engine/crypto.py): comma-separated Fernet keys, the first one
    # encrypts, all decrypt (rotation). Empty: a key file in data_dir, made on first use.
    data_keys: str = ""
    # Audit trail (engine/audit/keys.py): comma-separated MAC keys, the first one seals new
    # entries, all verify (rotation). Empty: a key file in data_dir, made on first use.
    audit_keys: str = ""
    # Where signed checkpoints of the audit trail are appended; None: data_dir/audit-anchors.
    # Production: a directory the database administrator cannot write (docs/security.md).
    audit_anchor_dir: Path | None = None
    audit_checkpoint_minutes: float = 15.0
    # Web session cookie signing; empty: a random secret kept in data_dir.
    secret_key: str = ""
    session_cookie_secure: bool = False
    session_hours: int = 8
    # Login lockout: after this many failures in a row, the account waits this long.
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    # Rate limits of the login endpoints (token, web login, SSO callback), Flask-Limiter notation.
    # Per client address: every attempt. Per user name from one address: failures only; kept
    # below login_max_failures, so that one address can never lock an account (docs/security.md).
    ratelimit_enabled: bool = True
    ratelimit_storage_uri: str = "memory://"
    login_rate_per_address: str = "20 per minute"
    login_failures_per_user: str = "3 per 15 minutes"
    # Reverse proxies in front of the app whose X-Forwarded-For entries are trusted (0: none,
    # the client address is the connection's).
    trusted_proxies: int = 0
    # Optional OpenID Connect single sign-on; off unless issuer and client id are set.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_username_claim: str = "preferred_username"
    # The tenant an SSO identity belongs to (user names are unique per tenant): the claim naming the
    # tenant's key, else this fixed tenant key, else the only tenant (api/web/sso.py).
    oidc_tenant_claim: str = ""
    oidc_tenant: str = ""
    oidc_label: str = "Mit dem Kreis-Konto anmelden"
    # Retention: personal data of closed cases is removed after this many days (per tenant
    # overridable); after a consent withdrawal after this many days.
    retention_days: int = 1095
    withdrawal_deletion_days: int = 30
    retention_check_minutes: float = 60.0
    # Escalation: remind when the state authority has not answered within this ISO duration.
    escalation_reminder: str = "P6W"
    # Programme figures: counts from 1 to this minus one are suppressed (a person could be singled out).
    report_min_count: int = 3
    # E-mail reminders (engine/mail, engine/tasks/reminders.py): off unless smtp_host is set. tls:
    # "starttls", "ssl" (SMTPS) or "none"; user and password only if the server wants a login.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "kim@localhost"
    smtp_tls: str = "starttls"
    smtp_timeout_seconds: float = 10.0
    # Links in mails start with this address (the site as users reach it); empty: http://host:port.
    public_url: str = ""
    # The daily digest goes out from this hour on (Berlin time); the outbox is tried every mail_check_minutes,
    # a failed message again after mail_retry_seconds (doubling), given up after mail_max_attempts.
    mail_digest_hour: int = 7
    mail_check_minutes: float = 1.0
    mail_retry_seconds: float = 300.0
    mail_max_attempts: int = 8

    @property
    def mail_enabled(self) -> bool:
        """Whether reminders are sent at all (an SMTP host is set)."""
        return bool(self.smtp_host)

    def site_url(self) -> str:
        """The address links in mails start with (no trailing slash)."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def anchor_dir(self) -> Path:
        """The directory of the audit trail's signed checkpoints."""
        return self.audit_anchor_dir or self.data_dir / "audit-anchors"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Read settings from the environment (or a given mapping)."""
        env = dict(os.environ if env is None else env)
        data_dir = Path(env.get("KIM_DATA_DIR") or PROJECT_ROOT / "var")
        default_db = f"sqlite:///{data_dir / 'kim.db'}"
        return cls(
            database_url=env.get("KIM_DATABASE_URL") or default_db,
            host=env.get("KIM_HOST") or "127.0.0.1",
            port=int(env.get("KIM_PORT") or 5000),
            workers=int(env.get("KIM_WORKERS") or 2),
            threads=int(env.get("KIM_THREADS") or 0),
            kept_workflows=int(env.get("KIM_KEPT_WORKFLOWS") or 64),
            demo=_bool(env.get("KIM_DEMO"), False),
            tenant=env.get("KIM_TENANT") or "paderborn",
            token_ttl_hours=int(env.get("KIM_TOKEN_TTL_HOURS") or 10),
            processes_dir=Path(env.get("KIM_PROCESSES_DIR") or PROJECT_ROOT / "processes"),
            forms_dir=Path(env.get("KIM_FORMS_DIR") or PROJECT_ROOT / "forms"),
            seed_file=Path(
                env.get("KIM_SEED_FILE") or PROJECT_ROOT / "engine" / "org" / "seed" / "kreis_paderborn.json"
            ),
            log_level=env.get("KIM_LOG_LEVEL") or "INFO",
            log_format=(env.get("KIM_LOG_FORMAT") or "auto").strip().lower(),
            metrics_token=env.get("KIM_METRICS_TOKEN") or "",
            metrics_port=int(env.get("KIM_METRICS_PORT") or 0),
            metrics_host=env.get("KIM_METRICS_HOST") or "127.0.0.1",
            scheduler=(env.get("KIM_SCHEDULER") or "embedded").strip().lower(),
            scheduler_watch_seconds=float(env.get("KIM_SCHEDULER_WATCH_SECONDS") or 0.5),
            timer_lease_seconds=float(env.get("KIM_TIMER_LEASE_SECONDS") or 60),
            timer_retry_seconds=float(env.get("KIM_TIMER_RETRY_SECONDS") or 30),
            timer_max_attempts=int(env.get("KIM_TIMER_MAX_ATTEMPTS") or 5),
            data_dir=data_dir,
            data_keys=env.get("KIM_DATA_KEYS") or "",
            audit_keys=env.get("KIM_AUDIT_KEYS") or "",
            audit_anchor_dir=Path(env["KIM_AUDIT_ANCHOR_DIR"]) if env.get("KIM_AUDIT_ANCHOR_DIR") else None,
            audit_checkpoint_minutes=float(env.get("KIM_AUDIT_CHECKPOINT_MINUTES") or 15),
            secret_key=env.get("KIM_SECRET_KEY") or "",
            session_cookie_secure=_bool(env.get("KIM_SESSION_COOKIE_SECURE"), False),
            session_hours=int(env.get("KIM_SESSION_HOURS") or 8),
            login_max_failures=int(env.get("KIM_LOGIN_MAX_FAILURES") or 5),
            login_lockout_minutes=int(env.get("KIM_LOGIN_LOCKOUT_MINUTES") or 15),
            ratelimit_enabled=_bool(env.get("KIM_RATELIMIT_ENABLED"), True),
            ratelimit_storage_uri=env.get("KIM_RATELIMIT_STORAGE_URI") or "memory://",
            login_rate_per_address=env.get("KIM_LOGIN_RATE_PER_ADDRESS") or "20 per minute",
            login_failures_per_user=env.get("KIM_LOGIN_FAILURES_PER_USER") or "3 per 15 minutes",
            trusted_proxies=int(env.get("KIM_TRUSTED_PROXIES") or 0),
            oidc_issuer=env.get("KIM_OIDC_ISSUER") or "",
            oidc_client_id=env.get("KIM_OIDC_CLIENT_ID") or "",
            oidc_client_secret=env.get("KIM_OIDC_CLIENT_SECRET") or "",
            oidc_username_claim=env.get("KIM_OIDC_USERNAME_CLAIM") or "preferred_username",
            oidc_tenant_claim=env.get("KIM_OIDC_TENANT_CLAIM") or "",
            oidc_tenant=env.get("KIM_OIDC_TENANT") or "",
            oidc_label=env.get("KIM_OIDC_LABEL") or "Mit dem Kreis-Konto anmelden",
            retention_days=int(env.get("KIM_RETENTION_DAYS") or 1095),
            withdrawal_deletion_days=int(env.get("KIM_WITHDRAWAL_DELETION_DAYS") or 30),
            retention_check_minutes=float(env.get("KIM_RETENTION_CHECK_MINUTES") or 60),
            escalation_reminder=(env.get("KIM_ESCALATION_REMINDER") or "P6W").strip().upper(),
            report_min_count=int(env.get("KIM_REPORT_MIN_COUNT") or 3),
            smtp_host=(env.get("KIM_SMTP_HOST") or "").strip(),
            smtp_port=int(env.get("KIM_SMTP_PORT") or 587),
            smtp_user=env.get("KIM_SMTP_USER") or "",
            smtp_password=env.get("KIM_SMTP_PASSWORD") or "",
            smtp_from=env.get("KIM_SMTP_FROM") or "kim@localhost",
            smtp_tls=(env.get("KIM_SMTP_TLS") or "starttls").strip().lower(),
            smtp_timeout_seconds=float(env.get("KIM_SMTP_TIMEOUT_SECONDS") or 10),
            public_url=env.get("KIM_PUBLIC_URL") or "",
            mail_digest_hour=int(env.get("KIM_MAIL_DIGEST_HOUR") or 7),
            mail_check_minutes=float(env.get("KIM_MAIL_CHECK_MINUTES") or 1),
            mail_retry_seconds=float(env.get("KIM_MAIL_RETRY_SECONDS") or 300),
            mail_max_attempts=int(env.get("KIM_MAIL_MAX_ATTEMPTS") or 8),
        )
