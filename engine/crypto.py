"""Encryption at rest of special-category personal data (GDPR Art. 9) with Fernet keys.

One keyring per process, set by ``configure(settings)``: KIM_DATA_KEYS holds comma-separated
Fernet keys, the first encrypts and all decrypt (rotation). Without it a key file
``<data_dir>/data.key`` is made on first use; production must set KIM_DATA_KEYS (docs/security.md).
Column types: ``EncryptedJSON`` and ``EncryptedText``; values that are not Fernet tokens
(rows written before encryption) are read as they are. ``EncryptedBytes`` holds files (case
documents) as the Fernet token's bytes; it has no legacy plaintext.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import JSON, LargeBinary, Text, select, type_coerce, update
from sqlalchemy.types import TypeDecorator

from . import keyfile
from .config import Settings
from .errors import KimError
from .uow import unit_of_work

log = logging.getLogger("kim.crypto")

KEY_FILE = "data.key"
# Every token starts with version byte 0x80 and a 64-bit timestamp (high bytes zero) and is at
# least 73 bytes (100 base64 characters). A prefix check: a regex over 20 KB costs as much as AES.
_TOKEN_PREFIX, _TOKEN_MIN = "gAAAAA", 100


class DataKeyError(KimError):
    """The data keys are missing, malformed or do not match the stored data (misconfiguration)."""

    status = 500
    title = "Serverkonfiguration fehlerhaft"
    kind = "data-key-error"


def _key_error(what_de: str, what_en: str) -> DataKeyError:
    return DataKeyError(
        f"{what_de} Bitte die Einstellung KIM_DATA_KEYS prüfen. / {what_en} "
        "Please check the setting KIM_DATA_KEYS."
    )


class _Keyring:
    def __init__(self, keys: str, key_file: Path):
        self.keys, self.key_file = keys, key_file
        self.fernet: MultiFernet | None = None
        self.primary: Fernet | None = None


_lock = threading.Lock()
_ring: _Keyring | None = None
_warned = False


def configure(settings) -> None:
    """Use the keys of ``settings`` (KIM_DATA_KEYS, else the key file in data_dir) from now on."""
    global _ring
    ring = _Keyring(settings.data_keys.strip(), Path(settings.data_dir) / KEY_FILE)
    if ring.keys:
        _load(ring, ring.keys, "KIM_DATA_KEYS")  # fail at start-up, not at the first read
    with _lock:
        _ring = ring
        _written.clear()  # a text stays readable only as long as a configured key opens its token


def generate_key() -> str:
    """A new random Fernet key (for KIM_DATA_KEYS)."""
    return Fernet.generate_key().decode("ascii")


def _load(ring: _Keyring, text: str, source: str) -> None:
    fernets = []
    for number, key in enumerate((k.strip() for k in re.split(r"[,\s]+", text)), start=1):
        if not key:
            continue
        try:
            fernets.append(Fernet(key.encode("ascii")))
        except (ValueError, UnicodeEncodeError):
            raise _key_error(
                f"Schlüssel Nr. {number} in {source} ist kein gültiger Fernet-Schlüssel.",
                f"Key #{number} in {source} is not a valid Fernet key.",
            ) from None
    if not fernets:
        raise _key_error(f"{source} enthält keinen Schlüssel.", f"{source} holds no key.")
    ring.primary, ring.fernet = fernets[0], MultiFernet(fernets)


def _read_or_create_key_file(path: Path) -> str:
    global _warned
    if not _warned:
        _warned = True
        log.warning(
            "KIM_DATA_KEYS is not set: encrypting personal data with the generated key file %s. "
            "Production must set KIM_DATA_KEYS (docs/security.md).",
            path,
        )
    return keyfile.read_or_create(path, Fernet.generate_key, "data key")


def _keyring() -> _Keyring:
    global _ring
    ring = _ring
    if ring is not None and ring.fernet is not None:
        return ring
    with _lock:
        if _ring is None:  # a process that never called configure(): same as the CLI would do
            settings = Settings.from_env()
            _ring = _Keyring(settings.data_keys.strip(), Path(settings.data_dir) / KEY_FILE)
        ring = _ring
        if ring.fernet is None:
            if ring.keys:
                _load(ring, ring.keys, "KIM_DATA_KEYS")
            else:
                _load(ring, _read_or_create_key_file(ring.key_file), str(ring.key_file))
        return ring


def _fernet() -> MultiFernet:
    """The loaded keyring's keys, for encrypting and decrypting."""
    fernet = _keyring().fernet
    assert fernet is not None  # _keyring() returns a ring only once its keys are loaded
    return fernet


def is_token(value: Any) -> bool:
    """Whether ``value`` looks like a Fernet token (not legacy plaintext)."""
    return isinstance(value, str) and value.startswith(_TOKEN_PREFIX) and len(value) >= _TOKEN_MIN


def encrypt_text(text: str) -> str:
    """A Fernet token for ``text``, made with the first key."""
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    """The text in ``token``; DataKeyError when no configured key opens it."""
    return decrypt_bytes(token.encode("ascii")).decode("utf-8")


def decrypt_bytes(token: bytes) -> bytes:
    """The bytes in ``token``; DataKeyError when no configured key opens it."""
    try:
        return _fernet().decrypt(token)
    except InvalidToken:
        ring = _ring
        source = "KIM_DATA_KEYS" if ring and ring.keys else f"key file {ring.key_file if ring else '?'}"
        log.error(
            "cannot decrypt stored personal data with the configured keys (%s): the keys are "
            "wrong or incomplete; add the key the data was written with to KIM_DATA_KEYS",
            source,
        )
        raise _key_error(
            "Gespeicherte Daten lassen sich mit den eingestellten Schlüsseln nicht entschlüsseln.",
            "Stored data cannot be decrypted with the configured keys.",
        ) from None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class EncryptedJSON(TypeDecorator):
    """JSON stored as one Fernet token (a JSON string value); legacy plaintext JSON reads as is."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt_text(_dumps(value))

    def process_result_value(self, value, dialect):
        return json.loads(decrypt_text(value)) if is_token(value) else value


class EncryptedText(TypeDecorator):
    """Text stored as a Fernet token; legacy plaintext reads as is."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt_text(value)

    def process_result_value(self, value, dialect):
        return decrypt_text(value) if is_token(value) else value


WRITTEN_KEPT = 64  # tokens of RememberedText kept with their texts, per process
_written: dict[str, str] = {}


class RememberedText(EncryptedText):
    """Encrypted text that this process reads back soon after writing it: a process instance's state,
    read again at the instance's next step.

    The last tokens written are kept with their texts, and reading one of them back gives its text
    without decrypting it (an 8 KB state took about 2 % of a task completion to decrypt). A token
    equal to one this process made with a configured key is that very token, so skipping its check
    loses nothing; any other token is decrypted and checked as always. Configuring other keys forgets
    them all."""

    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        token = encrypt_text(value)
        with _lock:
            _written[token] = value
            while len(_written) > WRITTEN_KEPT:
                del _written[next(iter(_written))]  # the oldest first
        return token

    def process_result_value(self, value, dialect):
        text = _written.get(value) if value is not None else None
        return text if text is not None else super().process_result_value(value, dialect)


class EncryptedBytes(TypeDecorator):
    """Binary content (an uploaded file) stored as the bytes of one Fernet token."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else _fernet().encrypt(bytes(value))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return decrypt_bytes(bytes(value))


def encrypted_columns(metadata) -> list:
    """Every column of ``metadata`` stored encrypted."""
    return [
        col
        for table in metadata.sorted_tables
        for col in table.columns
        if isinstance(col.type, (EncryptedJSON, EncryptedText, EncryptedBytes))  # RememberedText too
    ]


def _renewed(raw: Any, column, ring: _Keyring) -> Any:
    """The raw value to store instead of ``raw`` (first key), or None when it is current."""
    if raw is None:
        return None
    assert ring.primary is not None and ring.fernet is not None  # reencrypt() passes a loaded ring
    if isinstance(column.type, EncryptedBytes):  # always a token: renew it unless the first key made it
        token = bytes(raw)
        try:
            ring.primary.decrypt(token)
            return None
        except InvalidToken:
            pass
        try:
            return ring.fernet.rotate(token)
        except InvalidToken:
            decrypt_bytes(token)  # raises the clear error
            raise
    if not is_token(raw):  # legacy plaintext
        return encrypt_text(raw if isinstance(column.type, EncryptedText) else _dumps(raw))
    try:
        ring.primary.decrypt(raw.encode("ascii"))
        return None
    except InvalidToken:
        pass
    try:
        return ring.fernet.rotate(raw.encode("ascii")).decode("ascii")
    except InvalidToken:
        decrypt_text(raw)  # raises the clear error
        raise


def reencrypt(session_factory, metadata, *, batch_size: int = 500) -> dict[str, dict[str, int]]:
    """Re-encrypt every encrypted column with the first key, one unit of work per batch.

    For key rotation (rows written with an older key) and for legacy plaintext rows.
    Returns per column: rows seen and rows rewritten.
    """
    ring = _keyring()
    counts: dict[str, dict[str, int]] = {}
    for column in encrypted_columns(metadata):
        table = column.table
        (pk,) = table.primary_key.columns
        raw_type = {EncryptedJSON: JSON(), EncryptedBytes: LargeBinary()}.get(type(column.type), Text())
        raw = type_coerce(column, raw_type)
        stats = counts.setdefault(f"{table.name}.{column.name}", {"seen": 0, "rewritten": 0})
        last = None
        while True:
            with unit_of_work(session_factory) as session:  # SQLite: the write lock before the batch is read
                query = select(pk, raw).order_by(pk).limit(batch_size).with_for_update()
                rows = session.execute(query if last is None else query.where(pk > last)).all()
                if not rows:
                    break
                for key, value in rows:
                    new = _renewed(value, column, ring)
                    if new is not None:
                        session.execute(
                            update(table).where(pk == key).values({column: type_coerce(new, raw_type)})
                        )
                        stats["rewritten"] += 1
                stats["seen"] += len(rows)
            last = rows[-1][0]
    return counts
