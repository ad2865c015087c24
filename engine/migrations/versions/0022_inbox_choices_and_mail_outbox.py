"""Inbox filters and e-mail reminders: the task's process, the remembered inbox view, users' e-mail
addresses and the mail outbox

tasks.process_id is filled from the task's instance for the rows already there.

Revision ID: 0022
Revises: 0013
Create Date: 2026-12-02 13:30:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0022"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("process_id", sa.String(length=100), nullable=True))
    op.execute(
        "UPDATE tasks SET process_id = (SELECT process_instances.process_id FROM process_instances "
        "WHERE process_instances.id = tasks.instance_id)"
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    op.create_table(
        "inbox_choices",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("view", sa.String(length=20), nullable=False),
        sa.Column("sort", sa.String(length=20), nullable=False),
        sa.Column("process_id", sa.String(length=100), nullable=True),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_inbox_choices_municipality_id_municipalities"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_inbox_choices_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_inbox_choices")),
    )
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_mail_outbox_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
        sa.UniqueConstraint("key", name=op.f("uq_mail_outbox_key")),
    )
    op.create_index("ix_mail_outbox_due", "mail_outbox", ["status", "next_attempt_at"])
    op.create_index(op.f("ix_mail_outbox_user_id"), "mail_outbox", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_mail_outbox_user_id"), table_name="mail_outbox")
    op.drop_index("ix_mail_outbox_due", table_name="mail_outbox")
    op.drop_table("mail_outbox")
    op.drop_table("inbox_choices")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("process_id")
