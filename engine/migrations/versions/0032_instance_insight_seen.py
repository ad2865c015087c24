"""The heat map's memory per instance: ``process_instances.insight_seen`` (engine/insight/steps.py).

Each element an instance finished, once, at its latest time, so that a step's projection rows need
no read of the instance's earlier rows. Left NULL here: an instance fills it at its next step (one
read of its rows then), so the migration is instant on any size of database.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-02 21:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("process_instances") as batch:
        batch.add_column(sa.Column("insight_seen", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("process_instances") as batch:
        batch.drop_column("insight_seen")
