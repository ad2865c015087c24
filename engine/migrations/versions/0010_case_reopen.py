"""Reopening a closed case: each tenant's period for it (``tenants.reopen_days``)

A case closed by mistake can be reopened by its case manager within this many days after its
closure (engine/cases/reopen.py); NULL means the default of 30 days. Plain ADD COLUMN on both
databases.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tenants", sa.Column("reopen_days", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("tenants", "reopen_days")
