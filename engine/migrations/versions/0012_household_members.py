"""Households: every case's persons as members; each existing case becomes a one-member household

The person an existing case was opened for becomes its first member (position 1, relationship
``self``), with the case's plain names and its encrypted client record copied as they are (a Fernet
token is not bound to its column, so the copy needs no key). One INSERT ... SELECT on both databases.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 11:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "household_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("relationship", sa.String(length=30), nullable=False),
        sa.Column("family_name", sa.String(length=200), nullable=False),
        sa.Column("given_name", sa.String(length=200), nullable=False),
        sa.Column("person", sa.JSON(), nullable=False),
        sa.Column("residence_status", sa.String(length=40), nullable=True),
        sa.Column("residence_valid_until", sa.Date(), nullable=True),
        sa.Column("joined_at", engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("left_at", engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("left_reason", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_members_case", "household_members", ["case_id", "position"])
    op.create_index("ix_members_name", "household_members", ["tenant_id", "family_name"])
    op.execute(
        "INSERT INTO household_members (case_id, tenant_id, position, relationship, family_name, "
        "given_name, person, joined_at) "
        "SELECT id, tenant_id, 1, 'self', family_name, given_name, client, opened_at FROM cases "
        "ORDER BY id"
    )


def downgrade() -> None:
    op.drop_index("ix_members_name", table_name="household_members")
    op.drop_index("ix_members_case", table_name="household_members")
    op.drop_table("household_members")
