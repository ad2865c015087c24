"""Client sheets: the tenant's controller address and DPO contact, tenants' own catalogues, and the sheet
a consent was signed on (language, catalogue version, interpreting service, signed scan)

Revision ID: 0024
Revises: 0013
Create Date: 2026-12-02 14:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0024"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tenants", sa.Column("controller_address", sa.String(length=500), nullable=True))
    op.add_column("tenants", sa.Column("dpo_contact", sa.String(length=500), nullable=True))
    op.create_table(
        "sheet_catalogues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("version", sa.String(length=50), nullable=False),
        sa.Column("review_state", sa.String(length=10), nullable=False),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.Column("reviewed_on", sa.String(length=20), nullable=True),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_sheet_catalogues_tenant_id_tenants")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_sheet_catalogues_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sheet_catalogues")),
        sa.UniqueConstraint("tenant_id", "language", name=op.f("uq_sheet_catalogues_tenant_id")),
    )
    # plain columns (no batch copy of ``consents``: consent_members refers to it); the scan is a document
    # of the same case (engine/sheets/scans.py checks it), so its id is kept without a foreign key
    op.add_column("consents", sa.Column("sheet_language", sa.String(length=10), nullable=True))
    op.add_column("consents", sa.Column("sheet_version", sa.String(length=80), nullable=True))
    op.add_column("consents", sa.Column("interpreter_service", sa.String(length=200), nullable=True))
    op.add_column("consents", sa.Column("scan_document_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    for column in ("scan_document_id", "interpreter_service", "sheet_version", "sheet_language"):
        op.drop_column("consents", column)
    op.drop_table("sheet_catalogues")
    op.drop_column("tenants", "dpo_contact")
    op.drop_column("tenants", "controller_address")
