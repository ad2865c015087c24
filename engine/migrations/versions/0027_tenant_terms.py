"""Tenants from data: a county's own words and features, its municipalities' sizes

One nullable JSON column on ``tenants`` (the seed's ``terms``: body and region words, the UmA team,
reminder periods, meeting rhythms) and four nullable integers on ``municipalities`` (population,
share of first contacts, case-management posts, first school year). Nothing existing changes: NULL
means the defaults of engine/org/terms.py and the demo.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-02 17:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

COLUMNS = ("population", "weight", "case_managers", "active_from")


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("terms", sa.JSON(), nullable=True))
    with op.batch_alter_table("municipalities") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("municipalities") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("terms")
