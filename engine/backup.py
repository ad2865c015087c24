"""Backups of the database: pg_dump's custom format on PostgreSQL, SQLite's online backup API.

Neither contains the data keys (KIM_DATA_KEYS or ``<data dir>/data.key``): without them the
encrypted client data in a backup cannot be read, so they are kept safe separately.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool


class BackupError(Exception):
    """A backup or restore could not be done; the message says why (German)."""


@dataclass(frozen=True)
class Outcome:
    kind: str  # sqlite | postgresql
    path: Path
    tables: int


def _pg_tool(name: str) -> str:
    found = shutil.which(name) or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)), None
    )
    if not found:
        raise BackupError(f"{name} nicht gefunden (PostgreSQL-Client-Programme installieren).")
    return found


def _pg_args(database_url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password, and the environment that carries it (not visible in ps).

    The tools act for all tenants (``kim.tenant``, engine/tenancy/scope.py): a role bound by Row-Level
    Security dumps and restores every tenant's rows, not none."""
    url = make_url(database_url)
    env = {**os.environ, "PGOPTIONS": f"{os.environ.get('PGOPTIONS', '')} -c kim.tenant=all".strip()}
    if url.password:
        env["PGPASSWORD"] = url.password
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} ist fehlgeschlagen: {done.stderr.strip()[-2000:]}")


def _sqlite_path(database_url: str) -> Path:
    path = make_url(database_url).database
    if not path or path == ":memory:":
        raise BackupError("Eine Datenbank im Arbeitsspeicher lässt sich nicht sichern.")
    return Path(path)


def _table_count(database_url: str) -> int:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return len(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def backup(database_url: str, target: Path) -> Outcome:
    """Write a consistent backup of the running database to ``target`` (replaced atomically)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    if database_url.startswith("sqlite"):
        source = _sqlite_path(database_url)
        if not source.is_file():
            raise BackupError(f"Die Datenbankdatei {source} gibt es nicht.")
        part.unlink(missing_ok=True)
        # The online backup API copies a consistent snapshot while the app keeps writing.
        with (
            closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
            closing(sqlite3.connect(part)) as dst,
        ):
            src.backup(dst)
            if dst.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError("Die Sicherung ist beschädigt (PRAGMA quick_check).")
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        kind = "sqlite"
    else:
        uri, env = _pg_args(database_url)
        _run(
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--enable-row-security",
                "--file",
                str(part),
                "--dbname",
                uri,
            ],
            env,
        )
        _run([_pg_tool("pg_restore"), "--list", str(part)], env)  # readable as a whole
        kind = "postgresql"
    os.replace(part, target)
    return Outcome(kind, target, _table_count(database_url))


def restore(database_url: str, source: Path, *, replace: bool = False) -> Outcome:
    """Restore ``source`` into the (empty, or with ``replace`` existing) database of ``database_url``.

    The web servers and schedulers are stopped meanwhile. PostgreSQL: the target database must
    exist (``createdb``); the restore is one transaction, so a failure leaves it as it was.
    """
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"Die Sicherung {source} gibt es nicht.")
    if database_url.startswith("sqlite"):
        target = _sqlite_path(database_url)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() and _table_count(database_url) and not replace:
            raise BackupError(f"{target} enthält schon Daten; zum Überschreiben --replace angeben.")
        with (
            closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
            closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)  # page by page into the target, under its lock: never a half-written file
            dst.execute("PRAGMA journal_mode=WAL")
        return Outcome("sqlite", target, _table_count(database_url))
    if _table_count(database_url) and not replace:
        raise BackupError("Die Zieldatenbank enthält schon Tabellen; zum Überschreiben --replace angeben.")
    uri, env = _pg_args(database_url)
    cmd = [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if replace:
        cmd += ["--clean", "--if-exists"]
    _run([*cmd, "--dbname", uri, str(source)], env)
    return Outcome("postgresql", Path(source), _table_count(database_url))
