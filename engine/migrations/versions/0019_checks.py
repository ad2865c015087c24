"""Checks: the authorities' Bleiberechts- and Einbürgerungsprüfungen (Baustein 3), one row per check

One new table, nothing existing changes: the check's instance, case, referral and agency, the pinned
checklist form version, and the result per path (encrypted JSON) once done.

Revision ID: 0019
Revises: 0013
Create Date: 2026-12-02 14:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("form_version_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("started_by_id", sa.Integer(), nullable=False),
        sa.Column("started_at", engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"]),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"]),
        sa.ForeignKeyConstraint(["form_version_id"], ["form_versions.id"]),
        sa.ForeignKeyConstraint(["started_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("instance_id"),
    )
    op.create_index("ix_checks_case", "checks", ["case_id", "id"])
    op.create_index("ix_checks_agency", "checks", ["tenant_id", "agency", "status"])
    op.create_index("ix_checks_referral_id", "checks", ["referral_id"])


def downgrade() -> None:
    op.drop_index("ix_checks_referral_id", table_name="checks")
    op.drop_index("ix_checks_agency", table_name="checks")
    op.drop_index("ix_checks_case", table_name="checks")
    op.drop_table("checks")
