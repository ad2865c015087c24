"""The heat map's step projection: one row per finished element of an instance's diagram with the flow
taken into it and the time spent there (engine/insight/steps.py), filled from the whole history; and an
index of the open tasks per tenant for the heat map's waiting counts.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-02 18:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db
from engine.insight.steps import backfill

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insight_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("process_version_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("bpmn_id", sa.String(length=100), nullable=False),
        sa.Column("flow_id", sa.String(length=100), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("at", engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.ForeignKeyConstraint(["process_version_id"], ["process_versions.id"]),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"]),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    backfill(op.get_bind())
    # The indexes after the bulk load (cheaper than keeping them up to date row by row).
    covering = ["case_id", "municipality_id", "instance_id", "bpmn_id", "flow_id", "seconds"]
    # Covering: the heat map's counts read the index alone.
    op.create_index(
        "ix_insight_steps_scope", "insight_steps", ["tenant_id", "process_version_id", "at", *covering]
    )
    op.create_index("ix_insight_steps_instance", "insight_steps", ["instance_id", "at"])
    # Open tasks per tenant (the heat map's waiting counts; the inbox indexes start with the place).
    op.create_index("ix_tasks_tenant_open", "tasks", ["tenant_id", "status", "bpmn_id"])


def downgrade() -> None:
    op.drop_index("ix_tasks_tenant_open", table_name="tasks")
    op.drop_index("ix_insight_steps_instance", table_name="insight_steps")
    op.drop_index("ix_insight_steps_scope", table_name="insight_steps")
    op.drop_table("insight_steps")
