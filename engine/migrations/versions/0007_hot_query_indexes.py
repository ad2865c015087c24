"""Hot query indexes: a case manager's case list and search (municipality scope)

A case manager of a municipality sees the cases of her municipality that no team holds
(``municipality_id = ? AND team_id IS NULL``, newest first). ``ix_cases_scope`` starts with the
tenant, so PostgreSQL read the whole cases table for that list and for the name search
(tests/scale/test_query_plans.py); this index serves both, in order.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 10:30:00
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_cases_place_scope", "cases", ["municipality_id", "team_id", "opened_at", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_cases_place_scope", table_name="cases")
