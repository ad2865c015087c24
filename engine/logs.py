"""Logging: one JSON object per line (KIM_LOG_FORMAT=json) or plain text, stdlib only.

``request_id`` is a context variable the web layer sets per request; every line logged while a
request runs carries it. Extra fields that our own ``kim.*`` loggers pass with ``extra={...}`` become
JSON keys (libraries' extras are dropped); callers never pass request bodies or personal data.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("kim_request_id", default=None)

OWN_LOGGERS = ("kim",)  # kim, kim.access, kim.timers, ...
# SpiffWorkflow logs every task state change at INFO, with the task's data (personal data) attached.
# Alembic's migration context says "Will assume ... DDL" on every readiness check.
QUIET_LOGGERS = {"spiff": "WARNING", "alembic.runtime.migration": "WARNING"}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# Attributes every LogRecord has; anything else on a record came in through ``extra``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, request_id (in a request) and the record's extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = request_id.get()
        if rid is not None:
            out["request_id"] = rid
        if record.name.startswith(OWN_LOGGERS):
            # Our own extras only: libraries put whatever they like there (SpiffWorkflow: task data).
            for key, value in vars(record).items():
                if key not in _STANDARD and not key.startswith("_") and key not in out:
                    out[key] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str, ensure_ascii=False)


class KimHandler(logging.StreamHandler):
    """The handler we install (recognised again when the app is built a second time)."""


def resolve_format(value: str, stream=None) -> str:
    """``json`` or ``text``; ``auto`` (the default) is text on a terminal, JSON otherwise."""
    value = (value or "auto").strip().lower()
    if value in ("json", "text"):
        return value
    stream = stream if stream is not None else sys.stderr
    return "text" if getattr(stream, "isatty", lambda: False)() else "json"


def make_formatter(fmt: str = "auto") -> logging.Formatter:
    """The formatter for a KIM_LOG_FORMAT value (also a logging.config factory)."""
    return JsonFormatter() if resolve_format(fmt) == "json" else logging.Formatter(TEXT_FORMAT)


def configure(level: str, fmt: str) -> None:
    """Log to stderr in ``fmt``; leaves logging alone that someone else set up (pytest, a host app)."""
    root = logging.getLogger()
    ours = [h for h in root.handlers if isinstance(h, KimHandler)]
    if not ours and root.handlers:
        return
    if not ours:
        ours = [KimHandler(sys.stderr)]
        root.addHandler(ours[0])
    for handler in ours:
        handler.setFormatter(make_formatter(fmt))
    root.setLevel(level.upper())
    for name, quiet in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(quiet)


def dict_config(level: str, fmt: str) -> dict:
    """The same set-up as a logging.config dict (gunicorn's ``logconfig_dict``)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"kim": {"()": "engine.logs.make_formatter", "fmt": fmt}},
        "handlers": {
            "kim": {"class": "engine.logs.KimHandler", "formatter": "kim", "stream": "ext://sys.stderr"}
        },
        "root": {"level": level.upper(), "handlers": ["kim"]},
        "loggers": {
            "gunicorn.error": {"level": level.upper(), "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
            **{name: {"level": quiet} for name, quiet in QUIET_LOGGERS.items()},
        },
    }
