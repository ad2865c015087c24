"""Whether the append-only triggers of migration 0003 are still in place and still refuse."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

_SQLITE = {"audit_log_no_update": "UPDATE", "audit_log_no_delete": "DELETE"}
_PG_TRIGGER, _PG_FUNCTION = "audit_log_append_only", "audit_log_append_only"


def _sqlite(session: Session) -> list[str]:
    # not dict(result): a Result has keys(), so dict() would take it for a mapping
    found = session.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
    )
    rows: dict[str, str] = dict(found.tuples().all())
    problems = []
    for name, event in _SQLITE.items():
        sql = rows.get(name)
        if sql is None:
            problems.append(f"Schutz-Trigger {name} fehlt: das Protokoll ließ sich ändern oder löschen.")
            continue
        norm = re.sub(r"\s+", "", sql.upper())
        if f"BEFORE{event}ONAUDIT_LOG" not in norm or "RAISE(ABORT" not in norm or "WHEN" in norm:
            problems.append(f"Schutz-Trigger {name} wurde verändert: er verweigert nichts mehr.")
    return problems


def _postgresql(session: Session) -> list[str]:
    row = session.execute(
        text(
            "SELECT t.tgenabled, t.tgtype, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE t.tgrelid = to_regclass('audit_log') AND t.tgname = :name AND NOT t.tgisinternal"
        ),
        {"name": _PG_TRIGGER},
    ).first()
    if row is None:
        return [f"Schutz-Trigger {_PG_TRIGGER} fehlt: das Protokoll ließ sich ändern oder löschen."]
    enabled, tgtype, source = row
    problems = []
    if enabled == "D":
        problems.append(f"Schutz-Trigger {_PG_TRIGGER} ist abgeschaltet.")
    # tgtype bits: 2 BEFORE, 8 DELETE, 16 UPDATE (pg_trigger.h)
    if not (tgtype & 2 and tgtype & 8 and tgtype & 16):
        problems.append(
            f"Schutz-Trigger {_PG_TRIGGER} wurde verändert: er gilt nicht mehr für UPDATE und DELETE."
        )
    if "RAISE EXCEPTION" not in (source or "").upper():
        problems.append(f"Die Funktion {_PG_FUNCTION}() wurde verändert: sie verweigert nichts mehr.")
    return problems


def check(session: Session) -> list[str]:
    """German problems with the append-only guards; empty when both databases' guards are intact."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return _sqlite(session)
    if dialect == "postgresql":
        return _postgresql(session)
    return []
