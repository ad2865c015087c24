"""Two tenants in one database: Paderborn's cases from the API, and a second county's made by moving
one case with all its rows to it (as the superuser, who is bound by no policy)."""

from __future__ import annotations

import pytest

from tests import lifecycle_data as d
from tests.api.helpers import complete, open_case

# tables whose rows of one case move with it (by case_id), besides the case itself
BY_CASE = (
    "process_instances",
    "history",
    "tasks",
    "consents",
    "household_members",
    "programme_events",
    "member_changes",
    "referrals",
    "goals",
    "followups",
    "case_notes",
    "documents",
)


@pytest.fixture
def two_tenants(db, client, login) -> tuple[int, int, int, int]:
    """(tenant A, tenant B, A's case id, B's case id): a case with first contact and consent in each."""
    cm = login("cm-borchen")
    ids = []
    for _ in range(2):
        case = open_case(client, cm)
        complete(client, cm, case["id"], "first_contact", d.FIRST_CONTACT)
        complete(client, cm, case["id"], "consent", d.CONSENT_YES)
        ids.append(case["id"])
    a_case, b_case = ids
    (a,) = db.rows("SELECT tenant_id FROM cases WHERE id = :c", c=a_case)[0]
    db.execute("INSERT INTO tenants (key, name, case_prefix) VALUES ('hoexter', 'Kreis Höxter', 'HX')")
    (b,) = db.rows("SELECT id FROM tenants WHERE key = 'hoexter'")[0]
    db.execute("UPDATE cases SET tenant_id = :b WHERE id = :c", b=b, c=b_case)
    for table in BY_CASE:
        db.execute(f"UPDATE {table} SET tenant_id = :b WHERE case_id = :c", b=b, c=b_case)
    # the audit trail is append-only: B's entries are copies of the case's (negative ids, off the
    # chain: the seal does not matter here)
    columns = [
        r[0]
        for r in db.rows(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'audit_log' "
            "AND column_name NOT IN ('id', 'tenant_id') ORDER BY ordinal_position"
        )
    ]
    listed = ", ".join(columns)
    db.execute(
        f"INSERT INTO audit_log (id, {listed}, tenant_id) "
        f"SELECT -row_number() OVER (ORDER BY id), {listed}, :b FROM audit_log WHERE case_id = :c",
        b=b,
        c=b_case,
    )
    db.execute(
        "UPDATE consent_members SET tenant_id = :b "
        "WHERE consent_id IN (SELECT id FROM consents WHERE case_id = :c)",
        b=b,
        c=b_case,
    )
    db.execute(
        "UPDATE timers SET tenant_id = :b WHERE instance_id IN "
        "(SELECT id FROM process_instances WHERE case_id = :c)",
        b=b,
        c=b_case,
    )
    return a, b, a_case, b_case
