"""User names unique per tenant; case numbers counted per tenant and year

``users``: the unique user name becomes unique per (tenant_id, username), so two counties may both
have a ``coordinator``. ``case_counters`` holds the last case number per tenant and year; it is
filled from the existing cases (the highest number per tenant and year in their case numbers), so
the next case continues after them. Existing case numbers stay as they are.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-02 17:30:00
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

NUMBER = re.compile(r"-(\d{4})-(\d+)$")


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint("uq_users_username", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_users_tenant_id"), ["tenant_id", "username"])
    counters = op.create_table(
        "case_counters",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_case_counters_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "year", name=op.f("pk_case_counters")),
    )
    highest: dict[tuple[int, int], int] = {}
    rows = op.get_bind().execute(sa.text("SELECT tenant_id, case_number FROM cases"))
    for tenant_id, number in rows:
        match = NUMBER.search(number or "")
        if match:
            key = (tenant_id, int(match[1]))
            highest[key] = max(highest.get(key, 0), int(match[2]))
    if highest:
        op.bulk_insert(
            counters,
            [{"tenant_id": t, "year": y, "last_number": n} for (t, y), n in sorted(highest.items())],
        )


def downgrade() -> None:
    op.drop_table("case_counters")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_users_tenant_id"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_users_username"), ["username"])
