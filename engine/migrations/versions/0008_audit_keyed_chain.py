"""Audit trail sealed with a keyed MAC: the key id on every entry and a sealed head row

Entries and the head gain ``key_id`` (which of KIM_AUDIT_KEYS sealed them) and the head its own
MAC. Existing entries keep their unkeyed SHA-256 and an empty ``key_id``: they cannot be re-sealed
(the table is append-only, and sealing them now would vouch for whatever they hold), so
``kim audit verify`` checks them the old way and reports them as written before the change; the
first keyed entry's MAC covers the last unkeyed hash, so from then on they cannot be rewritten
unseen either (docs/security.md). Plain ADD COLUMN on both databases: no table is rebuilt, so the
append-only triggers stay.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("key_id", sa.String(length=16), nullable=True))
    op.add_column("audit_head", sa.Column("key_id", sa.String(length=16), nullable=True))
    op.add_column("audit_head", sa.Column("mac", sa.String(length=64), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite >= 3.35): a batch rebuild would lose the append-only triggers.
    op.drop_column("audit_head", "mac")
    op.drop_column("audit_head", "key_id")
    op.drop_column("audit_log", "key_id")
