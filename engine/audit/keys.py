"""The audit trail's secret keys, kept outside the database (like the data keys).

One keyring per process, set by ``configure(settings)``: KIM_AUDIT_KEYS holds comma-separated
keys (32 random bytes, URL-safe base64), the first seals new entries and checkpoints, all of them
verify (rotation). Every entry records the id of the key that sealed it. Without the setting a key
file ``<data_dir>/audit.key`` is made on first use; production must set KIM_AUDIT_KEYS
(docs/security.md). The checkpoints' Ed25519 key is derived from each key, so one secret does both.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import re
import secrets
import threading
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .. import keyfile
from ..config import Settings
from ..errors import KimError

log = logging.getLogger("kim.audit")

KEY_FILE = "audit.key"
SETTING = "KIM_AUDIT_KEYS"


class AuditKeyError(KimError):
    """The audit keys are missing or malformed (misconfiguration)."""

    status = 500
    title = "Serverkonfiguration fehlerhaft"


def _key_error(what_de: str, what_en: str) -> AuditKeyError:
    return AuditKeyError(
        f"{what_de} Bitte die Einstellung {SETTING} prüfen. / {what_en} Please check the setting {SETTING}."
    )


def generate_key() -> str:
    """A new random audit key (for KIM_AUDIT_KEYS)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def key_id(raw: bytes) -> str:
    """The short public name of a key, stored with every entry it seals."""
    return hashlib.sha256(b"kim-audit-key-id:" + raw).hexdigest()[:16]


class Keyring:
    """The configured keys by id; the first one seals."""

    def __init__(self, keys: list[bytes], source: str):
        self.source = source
        self.by_id = {key_id(k): k for k in keys}
        self.primary_id, self.primary_key = key_id(keys[0]), keys[0]
        self._signers: dict[str, Ed25519PrivateKey] = {}

    def get(self, kid: str | None) -> bytes | None:
        """The key with this id, or None when it is not configured."""
        return self.by_id.get(kid) if kid else None

    def signer(self, kid: str) -> Ed25519PrivateKey | None:
        """The checkpoint signing key derived from the key ``kid`` (None: not configured)."""
        raw = self.get(kid)
        return None if raw is None else self._signer(kid, raw)

    def primary_signer(self) -> Ed25519PrivateKey:
        """The signing key of new checkpoints."""
        return self._signer(self.primary_id, self.primary_key)

    def public_keys(self) -> dict[str, str]:
        """The checkpoints' Ed25519 public keys (hex) by key id, for auditors."""
        return {
            kid: self._signer(kid, raw).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
            for kid, raw in self.by_id.items()
        }

    def _signer(self, kid: str, raw: bytes) -> Ed25519PrivateKey:
        if kid not in self._signers:
            seed = HKDF(
                algorithm=hashes.SHA256(), length=32, salt=None, info=b"kim-audit-checkpoint-ed25519"
            ).derive(raw)
            self._signers[kid] = Ed25519PrivateKey.from_private_bytes(seed)
        return self._signers[kid]


_lock = threading.Lock()
_config: tuple[str, Path] | None = None
_ring: Keyring | None = None
_warned = False


def configure(settings) -> None:
    """Use the keys of ``settings`` (KIM_AUDIT_KEYS, else the key file in data_dir) from now on."""
    global _config, _ring
    keys = settings.audit_keys.strip()
    ring = _parse(keys, SETTING) if keys else None  # fail at start-up, not at the first append
    with _lock:
        _config, _ring = (keys, Path(settings.data_dir) / KEY_FILE), ring


def _parse(text: str, source: str) -> Keyring:
    keys = []
    for number, key in enumerate((k.strip() for k in re.split(r"[,\s]+", text)), start=1):
        if not key:
            continue
        try:
            raw = base64.urlsafe_b64decode(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError, binascii.Error):
            raw = b""
        if len(raw) < 32:
            raise _key_error(
                f"Schlüssel Nr. {number} in {source} ist kein gültiger Protokollschlüssel "
                "(32 Byte, Base64; `kim audit generate-key`).",
                f"Key #{number} in {source} is not a valid audit key.",
            )
        keys.append(raw)
    if not keys:
        raise _key_error(f"{source} enthält keinen Schlüssel.", f"{source} holds no key.")
    return Keyring(keys, source)


def _read_or_create_key_file(path: Path) -> str:
    global _warned
    if not _warned:
        _warned = True
        log.warning(
            "KIM_AUDIT_KEYS is not set: sealing the audit trail with the generated key file %s. "
            "Production must set KIM_AUDIT_KEYS (docs/security.md).",
            path,
        )
    return keyfile.read_or_create(path, lambda: generate_key().encode("ascii"), "audit key")


def keyring() -> Keyring:
    """The process's keyring (made from the environment if ``configure`` was never called)."""
    global _config, _ring
    ring = _ring
    if ring is not None:
        return ring
    with _lock:
        if _config is None:  # a process that never called configure(): same as the CLI would do
            settings = Settings.from_env()
            _config = (settings.audit_keys.strip(), Path(settings.data_dir) / KEY_FILE)
        if _ring is None:
            keys, path = _config
            _ring = _parse(keys, SETTING) if keys else _parse(_read_or_create_key_file(path), str(path))
        return _ring
