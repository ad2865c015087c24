"""Tampering with the audit trail as someone with write access to the database: every kind is found.

The attacker has the database (SQLite file or PostgreSQL superuser) but neither KIM_AUDIT_KEYS nor
the checkpoint directory. A careful one puts the append-only triggers back afterwards, so each test
finds its own kind of tampering, not the missing trigger. Runs on the database of the test run
(KIM_TEST_DATABASE=postgresql for PostgreSQL).
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, insert, select, update

from api.cli import main
from engine.audit.chain import LEGACY_FIELDS
from engine.audit.models import AuditEntry, AuditHead
from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case

T, H = AuditEntry.__table__, AuditHead.__table__
_SQLITE_GUARDS = {
    "audit_log_no_update": "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "audit_log_no_delete": "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
}
_PG_GUARD = (
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
)


def kim_verify(db, command: str = "verify"):
    """`kim audit verify` in this process: exit code and all output."""
    result = CliRunner().invoke(main, ["audit", command], env=db.env())
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _drop_guards(db) -> None:
    if db.is_sqlite:
        for name in _SQLITE_GUARDS:
            db.execute(f"DROP TRIGGER {name}")
    else:
        db.execute("DROP TRIGGER audit_log_append_only ON audit_log")


def _restore_guards(db) -> None:
    if db.is_sqlite:
        for sql in _SQLITE_GUARDS.values():
            db.execute(sql)
    else:
        db.execute(_PG_GUARD)


@contextmanager
def unguarded(db):
    """Drop the append-only triggers, tamper, and put them back exactly as they were."""
    _drop_guards(db)
    yield
    _restore_guards(db)


def rows(db) -> list[dict]:
    with db.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(T).order_by(T.c.id)).mappings()]


def head(db) -> dict:
    with db.engine.connect() as conn:
        return dict(conn.execute(select(H)).mappings().one())


def sha256_seal(row: dict) -> str:
    """What an attacker without the key can compute: the old unkeyed SHA-256 over the content."""
    body = {k: row[k] for k in LEGACY_FIELDS}
    body["at"] = row["at"].isoformat(timespec="microseconds")
    raw = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def rewrite(
    db, new_rows: list[dict], *, from_id: int, recompute: bool = True, move_head: bool = True
) -> None:
    """Replace every entry from ``from_id`` on with ``new_rows`` (renumbered, re-chained), and the head."""
    old = [r for r in rows(db) if r["id"] < from_id]
    prev = old[-1]["hash"] if old else "0" * 64
    out = []
    for number, given in enumerate(new_rows, start=from_id):
        row = {**given, "id": number}
        if recompute:
            row["prev_hash"] = prev
            row["hash"] = sha256_seal(row)
        prev = row["hash"]
        out.append(row)
    with unguarded(db), db.engine.begin() as conn:
        conn.execute(delete(T).where(T.c.id >= from_id))
        if out:
            conn.execute(insert(T), out)
        if move_head:
            last = (out or old or [{"id": 0, "hash": "0" * 64}])[-1]
            conn.execute(update(H).values(last_id=last["id"], last_hash=last["hash"]))


@pytest.fixture
def trail(client, login, db, app):
    """A trail of a few days' work, verified once (which anchors a checkpoint outside the database)."""
    cm, coordinator = login("cm-borchen"), login("coordinator")
    case = open_case(client, cm)
    complete(client, cm, case["id"], "first_contact", d.FIRST_CONTACT)
    for headers in (cm, coordinator, cm):
        assert client.get(f"/api/v1/cases/{case['id']}", headers=headers).status_code == 200
    open_case(client, cm, family_name="Nasser")
    assert client.get("/api/v1/cases", headers=cm).status_code == 200
    app.extensions["kim"]["engine"].dispose()
    code, out = kim_verify(db)
    assert code == 0 and "Protokoll unverändert" in out and "Neuer Prüfpunkt" in out, out
    entries = rows(db)
    assert len(entries) >= 8 and all(r["key_id"] for r in entries)
    return {"case_id": case["id"], "n": len(entries), "client": client, "cm": cm, "app": app}


def found(db, *expected: str) -> str:
    code, out = kim_verify(db)
    assert code == 1, out
    assert "Protokoll VERÄNDERT" in out
    for text in expected:
        assert text in out, out
    return out


def more_work(trail, db) -> None:
    """Activity after the last checkpoint."""
    client = trail["client"]
    for _ in range(3):
        assert client.get(f"/api/v1/cases/{trail['case_id']}", headers=trail["cm"]).status_code == 200
    trail["app"].extensions["kim"]["engine"].dispose()


# -- the seven kinds that passed the unkeyed chain ----------------------------------------------


def test_delete_the_last_entries_and_move_the_head_back(trail, db):
    n = trail["n"]
    rewrite(db, [], from_id=n - 1)
    found(db, f"Einträge {n - 1}–{n} fehlen", "Kopfzeile wurde verändert")


def test_delete_everything_and_reset_the_head_to_genesis(trail, db):
    rewrite(db, [], from_id=1)
    with db.engine.begin() as conn:
        conn.execute(update(H).values(last_id=0, last_hash="0" * 64, key_id=None, mac=None))
    found(db, f"Einträge 1–{trail['n']} fehlen")


def test_edit_an_entry_and_recompute_every_later_hash(trail, db):
    entries = rows(db)
    entries[1]["username"] = "someone-else"
    rewrite(db, entries[1:], from_id=2)
    found(db, "erster fehlerhafter Eintrag: 2", "Eintrag 2: Inhalt verändert")


def test_delete_an_entry_renumber_the_rest_and_recompute(trail, db):
    entries = rows(db)
    rewrite(db, entries[3:], from_id=3)
    found(db, "erster fehlerhafter Eintrag: 3")


def test_erase_all_reads_of_one_case_by_one_user_and_recompute(trail, db):
    entries = rows(db)
    reads = [
        r["id"]
        for r in entries
        if r["action"] == "case.read" and r["username"] == "cm-borchen" and r["case_id"] == trail["case_id"]
    ]
    assert len(reads) == 2
    kept = [r for r in entries if r["id"] >= reads[0] and r["id"] not in reads]
    rewrite(db, kept, from_id=reads[0])
    found(db, f"erster fehlerhafter Eintrag: {reads[0]}")


def test_append_a_forged_entry_with_a_correct_hash(trail, db):
    last = rows(db)[-1]
    forged = {**last, "action": "case.read", "username": "admin", "at": last["at"] + timedelta(seconds=1)}
    rewrite(db, [forged], from_id=last["id"] + 1)
    found(db, f"Eintrag {last['id'] + 1}: Inhalt verändert oder eingefügt")


def test_drop_the_append_only_triggers(trail, db):
    _drop_guards(db)
    found(db, "Schutz-Trigger", "fehlt")


# -- the obvious others -------------------------------------------------------------------------


def test_edit_a_field(trail, db):
    with unguarded(db):
        db.execute("UPDATE audit_log SET action = 'case.list' WHERE id = 4")
    found(db, "Eintrag 4: Inhalt verändert")


def test_delete_an_entry_in_the_middle(trail, db):
    with unguarded(db):
        db.execute("DELETE FROM audit_log WHERE id = 5")
    found(db, "erster fehlerhafter Eintrag: 5", "Eintrag 5 fehlt")


def test_swap_the_order_of_two_entries(trail, db):
    with unguarded(db):
        db.execute("UPDATE audit_log SET id = -1 WHERE id = 3")
        db.execute("UPDATE audit_log SET id = 3 WHERE id = 4")
        db.execute("UPDATE audit_log SET id = 4 WHERE id = -1")
    found(db, "erster fehlerhafter Eintrag: 3")


def test_duplicate_an_entry(trail, db):
    copy = {**rows(db)[2], "id": trail["n"] + 1}
    with db.engine.begin() as conn:  # inserting needs no trigger to be dropped
        conn.execute(insert(T), [copy])
    found(db, f"Eintrag {trail['n'] + 1}: Verkettung unterbrochen")


def test_truncate_the_end_and_leave_the_head(trail, db):
    with unguarded(db):
        db.execute("DELETE FROM audit_log WHERE id > 5")
    found(db, f"Einträge 6–{trail['n']} fehlen", f"Die Kopfzeile zeigt auf Eintrag {trail['n']}")


def test_change_a_timestamp(trail, db):
    entry = rows(db)[5]
    with unguarded(db), db.engine.begin() as conn:
        conn.execute(update(T).where(T.c.id == entry["id"]).values(at=entry["at"] - timedelta(days=3)))
    found(db, f"Eintrag {entry['id']}: Inhalt verändert")


def test_change_the_head_row(trail, db):
    with db.engine.begin() as conn:
        conn.execute(update(H).values(last_id=3, last_hash=rows(db)[2]["hash"]))
    found(db, "Die Kopfzeile zeigt auf Eintrag 3", "Die Kopfzeile wurde verändert")


def test_delete_the_head_row(trail, db):
    db.execute("DELETE FROM audit_head")
    found(db, "Die Kopfzeile der Kette (Tabelle audit_head) fehlt")
    # The service refuses to append to a trail without its head: a clean problem, nothing saved.
    client, app = trail["client"], trail["app"]
    r = client.get(f"/api/v1/cases/{trail['case_id']}", headers=trail["cm"])
    assert r.status_code == 500 and r.mimetype == "application/problem+json"
    assert "Protokoll ist beschädigt" in r.json["detail"]
    app.extensions["kim"]["engine"].dispose()
    assert len(rows(db)) == trail["n"]


def test_turn_keyed_entries_into_unkeyed_ones(trail, db):
    entries = [{**r, "key_id": None} for r in rows(db)]
    rewrite(db, entries, from_id=1)
    with db.engine.begin() as conn:
        conn.execute(update(H).values(key_id=None, mac=None))
    found(db, f"Eintrag {trail['n']} weicht vom Prüfpunkt", "sind ungeschlüsselt")


def test_neutralise_the_trigger_instead_of_dropping_it(trail, db):
    if db.is_sqlite:
        db.execute("DROP TRIGGER audit_log_no_update")
        db.execute("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT 1; END")
    else:
        db.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    found(db, "Schutz-Trigger")


def test_roll_back_to_an_older_copy_of_the_database(trail, db):
    """An old, perfectly sealed state (a backup) is put back: only the checkpoint knows better."""
    old_entries, old_head = rows(db), head(db)
    more_work(trail, db)
    code, out = kim_verify(db)
    assert code == 0 and "Neuer Prüfpunkt" in out
    n_now = len(rows(db))
    rewrite(db, [], from_id=len(old_entries) + 1, move_head=False)
    with db.engine.begin() as conn:
        conn.execute(update(H).values(**{k: v for k, v in old_head.items() if k != "id"}))
    found(db, f"Einträge {len(old_entries) + 1}–{n_now} fehlen")


def test_remove_entries_written_after_the_last_checkpoint(trail, db):
    """No checkpoint covers them yet; the sealed head does: moving it back needs the key."""
    more_work(trail, db)
    rewrite(db, [], from_id=trail["n"] + 1)
    out = found(db, "Die Kopfzeile wurde verändert")
    assert "Prüfpunkt" not in out.split("VERÄNDERT")[1].split("(Geprüft")[0]


# -- and what must pass -------------------------------------------------------------------------


def test_an_untouched_trail_passes_and_checkpoints_continue(trail, db):
    more_work(trail, db)
    code, out = kim_verify(db, "checkpoint")
    assert code == 0 and "Neuer Prüfpunkt" in out, out
    code, out = kim_verify(db, "checkpoint")
    assert code == 0 and "Keine neuen Einträge" in out, out
    code, out = kim_verify(db)
    assert code == 0 and f"{len(rows(db))} Einträge, Kette vollständig" in out, out


def test_a_checkpoint_is_refused_for_a_damaged_trail(trail, db):
    with unguarded(db):
        db.execute("UPDATE audit_log SET username = 'x' WHERE id = 2")
    more_work(trail, db)
    with unguarded(db):
        db.execute("UPDATE audit_log SET username = 'x' WHERE id = :id", id=trail["n"] + 1)
    code, out = kim_verify(db, "checkpoint")
    assert code == 1 and f"Eintrag {trail['n'] + 1}" in out, out
