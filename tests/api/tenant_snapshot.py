"""A tenant's rows in every table, to show that another tenant's requests changed none of them.

A row is the tenant's if it carries the tenant's ``tenant_id``, or if a foreign key of it points to a
row of the tenant's (followed until nothing more is found: a consent's members through the consent,
a timer through its process instance through its case). Read with raw SQL, outside the service.
"""

from __future__ import annotations

import json

from sqlalchemy import inspect, text


def _tables(engine) -> dict[str, tuple[list[str], list[tuple[str, str, str]]]]:
    """name -> (columns, [(column, referred table, referred column)])."""
    found = inspect(engine)
    out = {}
    for name in found.get_table_names():
        columns = [c["name"] for c in found.get_columns(name)]
        links = [
            (fk["constrained_columns"][0], fk["referred_table"], fk["referred_columns"][0])
            for fk in found.get_foreign_keys(name)
            if len(fk["constrained_columns"]) == 1
        ]
        out[name] = (columns, links)
    return out


def _plain(value):
    """A column value that can go into a set (PostgreSQL hands JSON columns over as dicts and lists)."""
    return json.dumps(value, sort_keys=True, default=str) if isinstance(value, dict | list) else value


def tenant_rows(engine, tenant_id: int) -> dict[str, set[tuple]]:
    """Every row of the tenant's, per table (rows as tuples of their columns, in column order)."""
    tables = _tables(engine)
    with engine.connect() as conn:
        rows = {
            name: [tuple(map(_plain, r)) for r in conn.execute(text(f'SELECT * FROM "{name}"'))]
            for name in tables
            if name != "alembic_version"
        }
    theirs: dict[str, set[tuple]] = {name: set() for name in rows}
    for name, table_rows in rows.items():
        columns = tables[name][0]
        if name == "tenants":
            theirs[name] = {r for r in table_rows if r[columns.index("id")] == tenant_id}
        elif "tenant_id" in columns:
            at = columns.index("tenant_id")
            theirs[name] = {r for r in table_rows if r[at] == tenant_id}
    grown = True
    while grown:  # follow foreign keys to rows of the tenant's until nothing new is found
        grown = False
        for name, table_rows in rows.items():
            columns, links = tables[name]
            for column, referred, referred_column in links:
                if referred not in theirs or referred == "tenants":
                    continue
                keys = {r[tables[referred][0].index(referred_column)] for r in theirs[referred]}
                at = columns.index(column)
                new = {r for r in table_rows if r[at] in keys} - theirs[name]
                if new:
                    theirs[name] |= new
                    grown = True
    return theirs


def changes(before: dict[str, set[tuple]], after: dict[str, set[tuple]]) -> list[str]:
    """What differs between two snapshots: per table, the rows gone and the rows new or changed."""
    out = []
    for name in sorted(set(before) | set(after)):
        gone, new = (
            before.get(name, set()) - after.get(name, set()),
            after.get(name, set()) - before.get(name, set()),
        )
        if gone or new:
            out.append(
                f"{name}: {len(gone)} gone/changed, {len(new)} new/changed: {sorted(map(str, new))[:3]}"
            )
    return out
