"""Offers directory (Ist- und Bedarfsanalyse): offers, their search tags and versions, links from goals
and referrals, assessment needs per school year, "kein passendes Angebot" gaps and the topics raised
from them

New tables only, nothing existing changes. Needs of assessments completed before this revision are not
copied: they sit in the encrypted history and a migration runs without the data key; they count from
the next assessment on.

Revision ID: 0023
Revises: 0013
Create Date: 2026-12-02 14:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0023"
down_revision = "0020"
branch_labels = None
depends_on = None

UTC = engine.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("life_areas", sa.JSON(), nullable=False),
        sa.Column("target_groups", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("opening_hours", sa.String(length=300), nullable=True),
        sa.Column("cost", sa.String(length=200), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("checked_on", sa.Date(), nullable=True),
        sa.Column("shared_upkeep", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("retired_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_offers_place", "offers", ["tenant_id", "municipality_id", "retired_at"])
    op.create_index("ix_offers_checked", "offers", ["tenant_id", "checked_on"])
    op.create_table(
        "offer_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("facet", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.ForeignKeyConstraint(["offer_id"], ["offers.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_offer_tags_search", "offer_tags", ["tenant_id", "facet", "code", "offer_id"])
    op.create_index("ix_offer_tags_offer", "offer_tags", ["offer_id"])
    op.create_table(
        "offer_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.ForeignKeyConstraint(["offer_id"], ["offers.id"]),
        sa.ForeignKeyConstraint(["changed_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_offer_versions_offer", "offer_versions", ["offer_id", "version"])
    op.create_table(
        "offer_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("linked_by_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["offer_id"], ["offers.id"]),
        sa.ForeignKeyConstraint(["goal_id"], ["goals.id"]),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"]),
        sa.ForeignKeyConstraint(["linked_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_offer_links_case", "offer_links", ["case_id", "id"])
    op.create_index(op.f("ix_offer_links_offer_id"), "offer_links", ["offer_id"])
    op.create_table(
        "offer_needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.String(length=7), nullable=False),
        sa.Column("life_area", sa.String(length=40), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_offer_needs_year", "offer_needs", ["tenant_id", "school_year", "municipality_id"])
    op.create_index("ix_offer_needs_case", "offer_needs", ["case_id"])
    op.create_table(
        "offer_gaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.String(length=40), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.String(length=7), nullable=False),
        sa.Column("life_area", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"]),
        sa.ForeignKeyConstraint(["goal_id"], ["goals.id"]),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_offer_gaps_year", "offer_gaps", ["tenant_id", "school_year", "municipality_id"])
    op.create_index("ix_offer_gaps_case", "offer_gaps", ["case_id"])
    op.create_table(
        "offer_gap_topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("school_year", sa.String(length=7), nullable=False),
        sa.Column("life_area", sa.String(length=40), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("raised_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.ForeignKeyConstraint(["topic_id"], ["topics.id"]),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("topic_id"),
    )


def downgrade() -> None:
    op.drop_table("offer_gap_topics")
    op.drop_index("ix_offer_gaps_case", table_name="offer_gaps")
    op.drop_index("ix_offer_gaps_year", table_name="offer_gaps")
    op.drop_table("offer_gaps")
    op.drop_index("ix_offer_needs_case", table_name="offer_needs")
    op.drop_index("ix_offer_needs_year", table_name="offer_needs")
    op.drop_table("offer_needs")
    op.drop_index(op.f("ix_offer_links_offer_id"), table_name="offer_links")
    op.drop_index("ix_offer_links_case", table_name="offer_links")
    op.drop_table("offer_links")
    op.drop_index("ix_offer_versions_offer", table_name="offer_versions")
    op.drop_table("offer_versions")
    op.drop_index("ix_offer_tags_offer", table_name="offer_tags")
    op.drop_index("ix_offer_tags_search", table_name="offer_tags")
    op.drop_table("offer_tags")
    op.drop_index("ix_offers_checked", table_name="offers")
    op.drop_index("ix_offers_place", table_name="offers")
    op.drop_table("offers")
