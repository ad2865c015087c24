"""Several referrals per case, each tracked by its own process: the referral row gains its process,
members, need, reason, status, reminder day and answer; tenants their reminder period

Existing referrals (from the lifecycle's single referral task) keep their task id and count as sent.

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0015"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tenants", sa.Column("referral_reminder_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.alter_column("task_id", existing_type=sa.String(length=36), nullable=True)
        batch_op.add_column(sa.Column("instance_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("member_ids", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("need", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("status", sa.String(length=20), nullable=False, server_default="sent"))
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("answered_at", engine.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("answer_text", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_referrals_instance_id_process_instances"),
            "process_instances",
            ["instance_id"],
            ["id"],
        )
        batch_op.create_unique_constraint(batch_op.f("uq_referrals_instance_id"), ["instance_id"])
        batch_op.create_index("ix_referrals_status", ["tenant_id", "status", "due_on"], unique=False)
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.alter_column("status", existing_type=sa.String(length=20), server_default=None)


def downgrade() -> None:
    op.execute("DELETE FROM referrals WHERE task_id IS NULL")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index("ix_referrals_status")
        batch_op.drop_constraint(batch_op.f("uq_referrals_instance_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_referrals_instance_id_process_instances"), type_="foreignkey")
        for column in ("answer_text", "answered_at", "due_on", "status", "reason", "need", "member_ids"):
            batch_op.drop_column(column)
        batch_op.drop_column("instance_id")
        batch_op.alter_column("task_id", existing_type=sa.String(length=36), nullable=False)
    op.drop_column("tenants", "referral_reminder_days")
