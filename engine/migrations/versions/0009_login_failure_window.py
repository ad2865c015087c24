"""Login lockout counts failures within its window: when the current run of failures began

A run of failures older than the lockout window starts afresh, so failures trickling in below the
per-address rate limit never add up to a lock (docs/security.md). Plain ADD COLUMN on both databases.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("failures_since", engine.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "failures_since")
