"""The current version of a process or form found by its key: ``(key, is_current, tenant_id)`` indexes.

Every task completion and every opened case looks up the current version of one form or process
(engine/processes/scope.py ``current_id_query``). With only the single-column indexes, SQLite took
``is_current`` and then visited every current version of every form of every tenant; the lookup
grew with the installation. With these indexes it visits the key's one or two rows.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-03 20:00:00
"""

from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_form_versions_current", "form_versions", ["form_key", "is_current", "tenant_id"])
    op.create_index(
        "ix_process_versions_current", "process_versions", ["process_id", "is_current", "tenant_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_process_versions_current", table_name="process_versions")
    op.drop_index("ix_form_versions_current", table_name="form_versions")
