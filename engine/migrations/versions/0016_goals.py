"""Goals: a case's goals as rows with ids (agreed, evaluated, added, dropped)

New goal agreements create the rows (the after-step hook engine/goals/projection.py). Existing goal
agreements are not copied: their goals are in the encrypted history and a migration runs without the
data key, so a case without goal rows keeps the goals the case page reads from its history, and its
evaluations still describe goals in free text (engine/goals/checks.py).

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-03 10:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("life_area", sa.String(length=40), nullable=True),
        sa.Column("member_ids", sa.JSON(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("linked_help", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=True),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("evaluated_on", sa.Date(), nullable=True),
        sa.Column("dropped_reason", sa.Text(), nullable=True),
        sa.Column("dropped_at", engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("dropped_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.ForeignKeyConstraint(["dropped_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_goals_case", "goals", ["case_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_goals_case", table_name="goals")
    op.drop_table("goals")
