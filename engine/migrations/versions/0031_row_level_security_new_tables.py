"""Row-Level Security on the tables added beside it: process and form versions (a tenant's own rows,
and the shared base readable by every tenant), the case-number counters and the insight steps.

On SQLite this revision does nothing.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-02 18:50:00
"""

from alembic import op

from engine.tenancy.rls import disable_tenant_rls, enable_tenant_rls

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

SHARED = ("process_versions", "form_versions")
OWN = ("case_counters", "insight_steps")


def upgrade() -> None:
    for table in SHARED:
        enable_tenant_rls(op, table, shared_base=True)
    for table in OWN:
        enable_tenant_rls(op, table)


def downgrade() -> None:
    for table in (*SHARED, *OWN):
        disable_tenant_rls(op, table)
