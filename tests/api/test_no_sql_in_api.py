"""api/ holds no SQL and no session access: screens and resources read through engine read functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

API = Path(__file__).resolve().parents[2] / "api"
SQL_NAMES = {"select", "update", "delete", "insert", "text"}
SESSION_METHODS = {"execute", "get", "scalar", "scalars", "query"}
# Names a session goes by; `db()` is the request's session (api/context.py).
SESSION_NAMES = {"session", "sess", "s", "db_session", "sessions"}
# The unit-of-work plumbing may hold the session; it runs no SQL either.
PLUMBING = {"context.py"}
# The escalation screens (topics, bodies, meetings) move their SQL into the engine separately;
# this list is to be emptied then.
ALLOWED_FOR_NOW: set[str] = set()


def _is_session(node: ast.AST, cookie_names: set[str]) -> bool:
    if isinstance(node, ast.Name):
        return node.id in SESSION_NAMES and node.id not in cookie_names
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id == "db"  # db().get(...)
    if isinstance(node, ast.Attribute):
        return node.attr in ("db", "session")  # g.db.execute(...)
    return False


def findings(source: str, name: str = "<source>") -> list[str]:
    """Every SQL construct imported from sqlalchemy and every query call on a session in ``source``."""
    tree = ast.parse(source)
    # Flask's `session` is the signed cookie, not the database.
    cookie_names = {
        a.asname or a.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "flask"
        for a in node.names
        if a.name == "session"
    }
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            out += [
                f"{name}:{node.lineno}: imports {a.name} from {node.module}"
                for a in node.names
                if a.name in SQL_NAMES
            ]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SESSION_METHODS
            and _is_session(node.func.value, cookie_names)
        ):
            out.append(f"{name}:{node.lineno}: calls .{node.func.attr}() on a session")
    return out


def _files():
    for path in sorted(API.rglob("*.py")):
        rel = path.relative_to(API).as_posix()
        if rel not in PLUMBING and rel not in ALLOWED_FOR_NOW:
            yield rel, path


def test_no_sql_and_no_session_queries_in_api():
    found = [f for rel, path in _files() for f in findings(path.read_text(encoding="utf-8"), rel)]
    assert found == [], "SQL belongs in an engine read function:\n" + "\n".join(found)


def test_the_allowlist_names_only_existing_files():
    assert all((API / rel).is_file() for rel in ALLOWED_FOR_NOW)


@pytest.mark.parametrize(
    "source",
    [
        "from sqlalchemy import select\n",
        "from sqlalchemy import text as t\n",
        "def f(session):\n    return session.scalars(q)\n",
        "def f():\n    return db().get(User, 1)\n",
        "def f(session):\n    session.execute(q)\n",
        "def f():\n    g.db.query(User)\n",
    ],
)
def test_the_check_catches(source):
    assert findings(source)


@pytest.mark.parametrize(
    "source",
    [
        "from sqlalchemy.exc import OperationalError\n",
        "x = request.args.get('page')\n",
        "def f(session):\n    session.commit()\n",
        "from flask import session\nx = session.get('next')\n",
    ],
)
def test_the_check_lets_pass(source):
    assert findings(source) == []
