"""Households at work: member changes with their history, consents per member, phonetic name keys

- ``member_changes``: every change of a member's data (who, when, field, old -> new; values encrypted);
- ``consent_members``: whom a consent covers (for a minor: the guardian who gave it); every existing
  consent covers the case's person, member 1, as it did before;
- ``household_members.name_key``: the phonetic key of the family name (engine/households/keys.py), the
  duplicate check's indexed prefilter, filled for every existing member;
- ``programme_events.member_id``: "persons supported" counts household members, each once.

Running instances are not touched: no diagram changes, no state rewritten.

Revision ID: 0014
Revises: 0017
Create Date: 2026-12-03 10:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db
from engine.households.keys import name_key

revision = "0014"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("change", sa.JSON(), nullable=False),
        sa.Column("changed_at", engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["household_members.id"]),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["changed_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_member_changes_member", "member_changes", ["member_id", "id"])
    op.create_index(op.f("ix_member_changes_case_id"), "member_changes", ["case_id"])
    op.create_table(
        "consent_members",
        sa.Column("consent_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["consent_id"], ["consents.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["household_members.id"]),
        sa.ForeignKeyConstraint(["guardian_id"], ["household_members.id"]),
        sa.PrimaryKeyConstraint("consent_id", "member_id"),
    )
    op.create_index("ix_consent_members_member", "consent_members", ["member_id"])
    op.execute(
        "INSERT INTO consent_members (consent_id, member_id) "
        "SELECT c.id, m.id FROM consents c JOIN household_members m "
        "ON m.case_id = c.case_id AND m.position = 1 ORDER BY c.id"
    )
    with op.batch_alter_table("household_members") as batch:
        batch.add_column(sa.Column("name_key", sa.String(length=40), nullable=True))
    op.create_index("ix_members_name_key", "household_members", ["tenant_id", "name_key"])
    members = sa.table(
        "household_members", sa.column("id", sa.Integer), sa.column("family_name"), sa.column("name_key")
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(members.c.id, members.c.family_name)).all()
    for start in range(0, len(rows), 1000):
        batch_rows = [{"mid": mid, "key": name_key(name)} for mid, name in rows[start : start + 1000]]
        if batch_rows:
            conn.execute(
                members.update()
                .where(members.c.id == sa.bindparam("mid"))
                .values(name_key=sa.bindparam("key")),
                batch_rows,
            )
    with op.batch_alter_table("programme_events") as batch:
        batch.add_column(sa.Column("member_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_programme_events_member", "household_members", ["member_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("programme_events") as batch:
        batch.drop_constraint("fk_programme_events_member", type_="foreignkey")
        batch.drop_column("member_id")
    op.drop_index("ix_members_name_key", table_name="household_members")
    with op.batch_alter_table("household_members") as batch:
        batch.drop_column("name_key")
    op.drop_index("ix_consent_members_member", table_name="consent_members")
    op.drop_table("consent_members")
    op.drop_index(op.f("ix_member_changes_case_id"), table_name="member_changes")
    op.drop_index("ix_member_changes_member", table_name="member_changes")
    op.drop_table("member_changes")
