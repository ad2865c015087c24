"""How an entry is sealed: a keyed MAC over its content and its predecessor's seal.

Entries written before the keys (``key_id`` empty) carry the old unkeyed SHA-256; they are
checked the old way and protected from then on by the first keyed entry, whose MAC covers the
last unkeyed hash (docs/security.md, "Umstellung").
"""

from __future__ import annotations

import hashlib
import hmac
import json

GENESIS = "0" * 64
LEGACY_FIELDS = (
    "id",
    "at",
    "tenant_id",
    "user_id",
    "username",
    "role",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "pseudonym",
    "reason",
    "detail",
    "prev_hash",
)
FIELDS = (*LEGACY_FIELDS, "key_id")


# One encoder for all entries: json.dumps with options builds a new one per call (a third of the cost).
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _canonical(row, fields) -> bytes:
    body = {k: row[k] for k in fields}
    body["at"] = row["at"].isoformat(timespec="microseconds")
    return _ENCODER.encode(body).encode()


def legacy_seal(row) -> str:
    """The unkeyed SHA-256 of an entry written before the audit keys existed."""
    return hashlib.sha256(_canonical(row, LEGACY_FIELDS)).hexdigest()


def seal(key: bytes, row) -> str:
    """HMAC-SHA256 over the entry's content, its key id and its predecessor's seal."""
    return hmac.digest(key, _canonical(row, FIELDS), "sha256").hex()  # one call, as hmac.new(...).hexdigest()


def head_seal(key: bytes, key_id: str, last_id: int, last_hash: str) -> str:
    """The head row's MAC: moving the head back needs the key too."""
    msg = f"kim-audit-head|{key_id}|{last_id}|{last_hash}".encode()
    return hmac.digest(key, msg, "sha256").hex()


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two seals."""
    return a is not None and b is not None and hmac.compare_digest(a, b)
