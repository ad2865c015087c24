"""Process incidents: run-time failures of a process model, for the process owners

A condition, script, timer value, due date, title or multi-instance count that goes over its budget
(engine/workflow/budget.py) or fails leaves one row per instance, element and kind.

Revision ID: 0013
Revises: 0016
Create Date: 2026-11-28 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0013"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "process_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.Column("process_id", sa.String(length=100), nullable=False),
        sa.Column("process_version_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("element_id", sa.String(length=100), nullable=True),
        sa.Column("element_name", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("created_at", engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_at", engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_process_incidents_instance_id_process_instances"),
        ),
        sa.ForeignKeyConstraint(
            ["process_version_id"],
            ["process_versions.id"],
            name=op.f("fk_process_incidents_process_version_id_process_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_process_incidents_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_incidents")),
    )
    op.create_index("ix_process_incidents_tenant", "process_incidents", ["tenant_id", "last_at"])
    op.create_index(op.f("ix_process_incidents_process_id"), "process_incidents", ["process_id"])
    op.create_index(op.f("ix_process_incidents_instance_id"), "process_incidents", ["instance_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_process_incidents_instance_id"), table_name="process_incidents")
    op.drop_index(op.f("ix_process_incidents_process_id"), table_name="process_incidents")
    op.drop_index("ix_process_incidents_tenant", table_name="process_incidents")
    op.drop_table("process_incidents")
