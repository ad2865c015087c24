"""A generated key file beside the data, for installations that did not set their keys (data, audit)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("kim.keys")


def read_or_create(path: Path, make_key: Callable[[], bytes], what: str) -> str:
    """The key file's text; created once with a new key (mode 0600), atomically across processes."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, make_key() + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # atomic; another process (gunicorn worker) may have won
            log.warning("generated a new %s in %s", what, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text(encoding="ascii")
