"""Follow-up check-in counters count what happened: done, created and planned check-ins

``checkins_done`` counted the check-ins planned so far; it now counts completed check-in tasks, and
two new columns hold the check-in tasks created (``checkins_fired``) and the planned number
(``checkins_planned``). Existing rows are recounted from the tasks table. Plain ADD COLUMN and one
UPDATE with correlated subqueries on both databases.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("followups", sa.Column("checkins_fired", sa.Integer(), nullable=False, server_default="0"))
    op.add_column(
        "followups", sa.Column("checkins_planned", sa.Integer(), nullable=False, server_default="0")
    )
    op.execute(
        "UPDATE followups SET "
        "checkins_done = (SELECT count(*) FROM tasks WHERE tasks.instance_id = followups.instance_id "
        "AND tasks.bpmn_id = 'checkin' AND tasks.status = 'completed'), "
        "checkins_fired = (SELECT count(*) FROM tasks WHERE tasks.instance_id = followups.instance_id "
        "AND tasks.bpmn_id = 'checkin'), "
        "checkins_planned = CASE WHEN start_date IS NULL THEN 0 ELSE 5 END"
    )


def downgrade() -> None:
    op.drop_column("followups", "checkins_planned")
    op.drop_column("followups", "checkins_fired")
