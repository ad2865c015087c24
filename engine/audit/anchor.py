"""Signed checkpoints of the audit trail, appended to a file outside the database.

Each line of ``<anchor dir>/checkpoints.jsonl`` is one JSON object: entry count, last id, last
MAC, up to which id the trail is unkeyed (before the keys existed), time, key id and an Ed25519
signature over the rest. The file is only ever appended to (O_APPEND), so it suits append-only
or WORM storage; the database administrator must not be able to write it (docs/security.md).
"""

from __future__ import annotations

import base64
import json
import logging
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from cryptography.exceptions import InvalidSignature

from .keys import Keyring

log = logging.getLogger("kim.audit")

FILE = "checkpoints.jsonl"
KIND = "kim-audit-checkpoint/1"
_TAIL = 64 * 1024  # the last line is far shorter; the file grows by one line per checkpoint


@dataclass(frozen=True)
class Checkpoint:
    """What the trail looked like at one moment, signed."""

    count: int
    last_id: int
    last_mac: str
    legacy_until: int
    at: str
    key_id: str
    sig: str = ""

    def payload(self) -> bytes:
        """The signed bytes: every field but the signature, canonical JSON."""
        body = {k: v for k, v in asdict(self).items() if k != "sig"}
        body["kind"] = KIND
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def sign(ring: Keyring, checkpoint: Checkpoint) -> Checkpoint:
    """The checkpoint signed with the first key's Ed25519 key."""
    unsigned = replace(checkpoint, key_id=ring.primary_id, sig="")
    signature = ring.primary_signer().sign(unsigned.payload())
    return replace(unsigned, sig=base64.b64encode(signature).decode("ascii"))


def append(directory: Path, checkpoint: Checkpoint) -> Path:
    """Append one checkpoint line (and sync it to disk)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FILE
    line = json.dumps({"kind": KIND, **asdict(checkpoint)}, sort_keys=True, separators=(",", ":")) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode())  # one write: concurrent appenders never interleave a line
        os.fsync(fd)
    finally:
        os.close(fd)
    # A copy in the log: where logs go to syslog or a collector, that is a second anchor.
    log.info("audit checkpoint", extra={"audit_checkpoint": asdict(checkpoint)})
    return path


def _last_line(path: Path) -> str | None:
    with path.open("rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - _TAIL))
        lines = [ln for ln in fh.read().split(b"\n") if ln.strip()]
    return lines[-1].decode("utf-8", "replace") if lines else None


def latest(directory: Path, ring: Keyring) -> tuple[Checkpoint | None, str | None]:
    """The newest checkpoint with its signature checked, or a German problem."""
    path = directory / FILE
    if not path.exists():
        return None, None
    line = _last_line(path)
    if line is None:
        return None, None
    try:
        data = json.loads(line)
        data.pop("kind", None)
        checkpoint = Checkpoint(**data)
    except (ValueError, TypeError):
        return None, f"Der letzte Prüfpunkt in {path} ist nicht lesbar."
    signer = ring.signer(checkpoint.key_id)
    if signer is None:
        return None, (
            f"Der letzte Prüfpunkt in {path} ist mit dem unbekannten Schlüssel "
            f"{checkpoint.key_id} signiert (fehlt er in KIM_AUDIT_KEYS?)."
        )
    try:
        signer.public_key().verify(base64.b64decode(checkpoint.sig), checkpoint.payload())
    except (InvalidSignature, ValueError):
        return None, f"Der letzte Prüfpunkt in {path} ist nicht gültig signiert (gefälscht oder verändert)."
    return checkpoint, None
