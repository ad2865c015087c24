"""The key that signs the session cookie: KIM_SECRET_KEY, else a random file in the data directory."""

from __future__ import annotations

import logging
import os
import secrets
import threading
from pathlib import Path

log = logging.getLogger("kim.web")

SECRET_FILE = "secret.key"


def secret_key(settings) -> str:
    """The configured secret, or the one in ``<data_dir>/secret.key`` (made on first use, mode 0600)."""
    if settings.secret_key:
        if len(settings.secret_key) < 32:
            log.warning("KIM_SECRET_KEY is shorter than 32 characters; use a long random value")
        return settings.secret_key
    path = Path(settings.data_dir) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_urlsafe(48).encode("ascii") + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # atomic: every gunicorn worker ends up with the same secret
            log.warning("KIM_SECRET_KEY is not set: generated the session secret %s", path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text(encoding="ascii").strip()
