"""Process and form versions per tenant: a shared base that a tenant may override and reset to

``tenant_id`` (nullable) on process_versions and form_versions: NULL is the shared base deployed by
``kim setup`` / ``kim deploy``; a tenant's process owners deploy the tenant's own versions. Existing rows
become the base. Version numbers stay one sequence per process or form (the unique keys are unchanged).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-02 17:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

TABLES = ("process_versions", "form_versions")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("tenant_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(f"fk_{table}_tenant_id", "tenants", ["tenant_id"], ["id"])
            batch.create_index(f"ix_{table}_tenant_id", ["tenant_id"])


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_tenant_id")
            batch.drop_constraint(f"fk_{table}_tenant_id", type_="foreignkey")
            batch.drop_column("tenant_id")
