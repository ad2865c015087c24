"""The audit keys: set outside the database, checked at start-up, rotatable."""

from __future__ import annotations

import dataclasses

from click.testing import CliRunner

from api.app import create_app
from api.cli import main
from engine.audit import keys
from tests.api.helpers import open_case

K1, K2 = keys.generate_key(), keys.generate_key()


def _kim(db, *args, audit_keys: str):
    result = CliRunner().invoke(main, list(args), env=db.env(KIM_AUDIT_KEYS=audit_keys))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_entries_stay_verifiable_after_rotation_and_need_their_key(settings, db):
    app = create_app(dataclasses.replace(settings, audit_keys=K1))
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "cm-borchen", "password": "demo"}).json
    open_case(client, {"Authorization": "Bearer " + token["access_token"]})
    app.extensions["kim"]["engine"].dispose()
    assert {kid for (kid,) in db.rows("SELECT DISTINCT key_id FROM audit_log")} == {
        keys.key_id(keys.base64.urlsafe_b64decode(K1))
    }
    code, out = _kim(db, "audit", "verify", audit_keys=f"{K2},{K1}")  # rotated: the new key first
    assert code == 0 and "Kette vollständig" in out, out
    code, out = _kim(db, "audit", "verify", audit_keys=K2)  # the old key dropped too early
    assert code == 1 and "unbekannten Schlüssel" in out, out


def test_a_malformed_key_stops_the_command_with_a_clear_message(db):
    code, out = _kim(db, "audit", "verify", audit_keys="kein-schluessel")
    assert code == 1 and "KIM_AUDIT_KEYS" in out and "Nr. 1" in out, out


def test_public_keys_name_the_signing_key(db):
    code, out = _kim(db, "audit", "public-keys", audit_keys=f"{K1},{K2}")
    lines = out.strip().splitlines()
    assert code == 0 and len(lines) == 2 and "signiert neue Prüfpunkte" in lines[0], out
    assert len(lines[1].split()[1]) == 64  # 32 bytes of Ed25519 public key, hex


def test_the_seals_are_hmac_sha256_in_hex():
    """The seals are HMAC-SHA256 as the standard library's ``hmac.new`` writes them: entries sealed
    before stay valid whichever call computes them."""
    import hashlib
    import hmac
    from datetime import UTC, datetime

    from engine.audit import chain

    key = b"k" * 32
    row = dict.fromkeys(chain.FIELDS, "x") | {"id": 7, "at": datetime(2026, 12, 4, tzinfo=UTC)}
    expected = hmac.new(key, chain._canonical(row, chain.FIELDS), hashlib.sha256).hexdigest()
    assert chain.seal(key, row) == expected
    head = hmac.new(key, b"kim-audit-head|k1|7|abc", hashlib.sha256).hexdigest()
    assert chain.head_seal(key, "k1", 7, "abc") == head
