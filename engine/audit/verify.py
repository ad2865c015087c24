"""Checking the audit trail: MAC chain, gap-free ids, sealed head, guards and the latest checkpoint."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import anchor, guards
from .chain import FIELDS, GENESIS, head_seal, legacy_seal, same, seal
from .keys import Keyring
from .models import AuditEntry, AuditHead


@dataclass
class Report:
    """What ``verify`` found; ``problems`` are German sentences, empty when the trail is intact."""

    entries: int = 0
    last_id: int = 0
    last_mac: str = GENESIS
    legacy_until: int = 0
    broken_at: int | None = None
    checkpoint: anchor.Checkpoint | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def entries(n: int) -> str:
    """'1 Eintrag', '5 Einträge'."""
    return f"{n} Eintrag" if n == 1 else f"{n} Einträge"


def _snapshot(session: Session) -> None:
    # Appends may run meanwhile: read entries and head from one snapshot (SQLite: one BEGIN does it).
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def _chain(  # noqa: PLR0912 - every check of one chain link in one place, so the verdict reads top down
    session: Session,
    ring: Keyring,
    report: Report,
    start: anchor.Checkpoint | None,
    want: anchor.Checkpoint | None,
    batch: int,
) -> str | None:
    """Walk the entries after ``start``; return the seal at ``want.last_id`` when passed."""
    prev, expected = GENESIS, 1
    seen_keyed, wanted_mac = False, None
    if start is not None:
        prev, expected = start.last_mac, start.last_id + 1
        report.entries, report.last_id, report.last_mac = start.count, start.last_id, start.last_mac
        report.legacy_until, seen_keyed = start.legacy_until, start.last_id > start.legacy_until
    table = AuditEntry.__table__
    cols = [table.c[f] for f in FIELDS] + [table.c.hash]
    conn = session.connection()  # Core rows: the ORM's per-row bookkeeping is a tenth of the time
    while True:
        rows = (
            conn.execute(select(*cols).where(table.c.id >= expected).order_by(table.c.id).limit(batch))
            .mappings()
            .all()
        )
        for row in rows:
            rid = row["id"]
            if rid != expected:
                report.broken_at = expected
                gap = (
                    f"Eintrag {expected} fehlt"
                    if rid == expected + 1
                    else f"Einträge {expected}–{rid - 1} fehlen"
                )
                report.problems.append(f"{gap} (gelöscht oder umnummeriert).")
                return wanted_mac
            problem = None
            if row["key_id"] is None:
                if seen_keyed:
                    problem = (
                        "ungeschlüsselt nach der Umstellung auf den Protokollschlüssel "
                        "(eingefügt oder umgeschrieben)."
                    )
                elif not same(row["prev_hash"], prev):
                    problem = "Verkettung unterbrochen (Vorgänger passt nicht)."
                elif not same(legacy_seal(row), row["hash"]):
                    problem = "Inhalt verändert (Prüfsumme passt nicht)."
                else:
                    report.legacy_until = rid
            else:
                key = ring.get(row["key_id"])
                seen_keyed = True
                if key is None:
                    problem = (
                        f"mit dem unbekannten Schlüssel {row['key_id']} versiegelt "
                        "(gefälscht, oder der Schlüssel fehlt in KIM_AUDIT_KEYS)."
                    )
                elif not same(row["prev_hash"], prev):
                    problem = "Verkettung unterbrochen (Vorgänger passt nicht)."
                elif not same(seal(key, row), row["hash"]):
                    problem = "Inhalt verändert oder eingefügt (Siegel passt nicht)."
            if problem:
                report.broken_at = rid
                report.problems.append(f"Eintrag {rid}: {problem}")
                return wanted_mac
            prev, expected = row["hash"], expected + 1
            report.entries, report.last_id, report.last_mac = report.entries + 1, rid, prev
            if want is not None and rid == want.last_id:
                wanted_mac = prev
        if len(rows) < batch:
            break
    stray = session.scalar(select(AuditEntry.id).where(AuditEntry.id < 1).limit(1))
    if stray is not None:
        report.broken_at = stray
        report.problems.append(f"Eintrag {stray}: außerhalb der fortlaufenden Nummern eingefügt.")
    return wanted_mac


def _head(session: Session, ring: Keyring, report: Report, chain_intact: bool) -> None:
    head = session.execute(
        select(AuditHead.last_id, AuditHead.last_hash, AuditHead.key_id, AuditHead.mac).where(
            AuditHead.id == 1
        )
    ).first()
    if head is None:
        report.problems.append("Die Kopfzeile der Kette (Tabelle audit_head) fehlt: sie wurde gelöscht.")
        return
    if chain_intact and (head.last_id != report.last_id or not same(head.last_hash, report.last_mac)):
        report.problems.append(
            f"Die Kopfzeile zeigt auf Eintrag {head.last_id}, die Kette endet bei Eintrag "
            f"{report.last_id} (Einträge am Ende entfernt oder Kopfzeile verändert)."
        )
    if head.mac is None:
        if head.key_id is not None or report.last_id > report.legacy_until:
            report.problems.append("Die Kopfzeile ist nicht versiegelt (verändert oder zurückgesetzt).")
        return
    key = ring.get(head.key_id)
    if key is None:
        report.problems.append(f"Die Kopfzeile ist mit dem unbekannten Schlüssel {head.key_id} versiegelt.")
    elif not same(head_seal(key, head.key_id, head.last_id, head.last_hash), head.mac):
        report.problems.append("Die Kopfzeile wurde verändert (Siegel passt nicht).")


def _against(report: Report, cp: anchor.Checkpoint, mac_there: str | None, chain_intact: bool) -> None:
    when = cp.at[:19].replace("T", " ")
    if report.entries < cp.count and chain_intact:
        first = report.entries + 1
        gap = f"Eintrag {first} fehlt" if first == cp.count else f"Einträge {first}–{cp.count} fehlen"
        report.broken_at = report.broken_at or first
        report.problems.append(
            f"{gap}: der Prüfpunkt vom {when} UTC zählte {entries(cp.count)}, "
            f"die Kette hat nur {report.entries}."
        )
    elif mac_there is not None and not same(mac_there, cp.last_mac):
        report.broken_at = report.broken_at or cp.last_id
        report.problems.append(
            f"Eintrag {cp.last_id} weicht vom Prüfpunkt vom {when} UTC ab "
            "(die Kette bis dahin wurde ersetzt)."
        )
    if chain_intact and report.legacy_until > cp.legacy_until:
        report.problems.append(
            f"Einträge bis {report.legacy_until} sind ungeschlüsselt, der Prüfpunkt vom "
            f"{when} UTC kannte nur {cp.legacy_until} solche."
        )


def verify(
    session: Session,
    ring: Keyring,
    anchor_dir: Path | None = None,
    *,
    since: anchor.Checkpoint | None = None,
    batch: int = 5000,
    snapshot: bool = True,
) -> Report:
    """Check the whole trail (or, with ``since``, what came after that checkpoint); never raises.

    ``snapshot=False``: the caller already holds the chain's head lock in its transaction (no append
    can run meanwhile), so no snapshot of its own is taken (engine/audit/status.py)."""
    if snapshot:
        _snapshot(session)
    report = Report()
    report.problems.extend(guards.check(session))
    cp = None
    if anchor_dir is not None:
        cp, problem = anchor.latest(anchor_dir, ring)
        if problem:
            report.problems.append(problem)
    report.checkpoint = cp
    if since is not None:
        there = (
            session.scalar(select(AuditEntry.hash).where(AuditEntry.id == since.last_id))
            if since.last_id
            else GENESIS
        )
        if not same(there, since.last_mac):
            report.broken_at = since.last_id
            report.problems.append(f"Eintrag {since.last_id} fehlt oder weicht vom letzten Prüfpunkt ab.")
            return report
    before = len(report.problems)
    mac_there = _chain(session, ring, report, since, cp if since is None else None, batch)
    intact = len(report.problems) == before
    _head(session, ring, report, intact)
    if cp is not None and since is None:
        _against(report, cp, mac_there if cp.last_id else GENESIS, intact)
    return report
