"""The state's view: tenants of kind "state", and an index for the figures of all tenants

``tenants.kind``: "county" (every existing tenant, the default) or "state" (the state-level
accounts' tenant, engine/state; its own figures are never counted). ``ix_programme_events_state``
(school year, tenant, kind, code): the figures of all tenants for one school year are one
``GROUP BY tenant_id, kind, code`` that PostgreSQL answers from this index alone (an index-only
scan of the year's facts instead of a parallel scan of the whole table; docs/perf_state.md).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-02 17:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=10), nullable=False, server_default="county"))
    op.create_index(
        "ix_programme_events_state",
        "programme_events",
        ["school_year", "tenant_id", "kind", "code"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_programme_events_state", table_name="programme_events")
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("kind")
