"""Agencies as tenant data, and the agencies' side of a referral

A new table ``agencies`` (per tenant: code, name, kind, reminder days), filled for every existing tenant
with the agencies of the consent vocabulary (code = kind, period NULL: the tenant's); ``kim seed`` adds
the seed file's own agencies. Referrals gain the questions and replies (encrypted), the check result
and decline reason of an answer, and when their reminder fell due.

Revision ID: 0018
Revises: 0013
Create Date: 2026-12-04 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0018"
down_revision = "0024"
branch_labels = None
depends_on = None

# The consent vocabulary's agencies when this migration was written (forms/consent.json).
AGENCIES = {
    "jobcenter": "Jobcenter (SGB II)",
    "employment_agency": "Agentur für Arbeit (SGB III)",
    "youth_office": "Jugendamt (SGB VIII)",
    "social_welfare_office": "Sozialamt (SGB XII)",
    "foreigners_authority": "Ausländerbehörde",
    "naturalisation_authority": "Einbürgerungsbehörde",
    "jmd": "Jugendmigrationsdienst (JMD)",
    "mbe": "Migrationsberatung für Erwachsene (MBE)",
    "refugee_counselling": "Flüchtlingsberatung",
    "integration_agency": "Integrationsagentur",
    "school": "Schule",
    "health_services": "Gesundheitswesen",
}


def upgrade() -> None:
    agencies = op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("reminder_days", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "code"),
    )
    op.create_index(op.f("ix_agencies_tenant_id"), "agencies", ["tenant_id"], unique=False)
    tenants = op.get_bind().execute(sa.text("SELECT id FROM tenants")).scalars().all()
    op.bulk_insert(
        agencies,
        [
            {"tenant_id": t, "code": code, "name": name, "kind": code, "reminder_days": None}
            for t in tenants
            for code, name in AGENCIES.items()
        ],
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dialogue", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("check_result", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("decline_reason", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("reminded_at", engine.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        for column in ("reminded_at", "decline_reason", "check_result", "dialogue"):
            batch_op.drop_column(column)
    op.drop_index(op.f("ix_agencies_tenant_id"), table_name="agencies")
    op.drop_table("agencies")
