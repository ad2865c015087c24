"""Every table holding tenant data carries the tenant; Row-Level Security on PostgreSQL

The fourteen tables that reached their tenant only through a parent row get ``tenant_id`` (NOT NULL,
a foreign key to tenants), filled from that parent: tokens, inbox choices and mails from their user,
consents from their case, instances from their case (else who started them, else the topic, referral,
follow-up or check they run for), history and timers from their instance, and so on. A row whose
parent gives none (there should be none) gets the installation's first tenant: an installation from
before this revision served one county.

On PostgreSQL every table with a ``tenant_id`` then gets Row-Level Security, enabled and forced, with
the policies of engine/tenancy/rls.py. On SQLite that part does nothing.

Revision ID: 0025
Revises: 0019
Create Date: 2026-12-02 17:30:00
"""

import sqlalchemy as sa
from alembic import op

from engine.tenancy.rls import disable_tenant_rls, drop_functions, enable_tenant_rls

revision = "0025"
down_revision = "0019"
branch_labels = None
depends_on = None

# table -> how its rows find their tenant, in order (a parent table and the column leading there)
BACKFILL: dict[str, tuple[tuple[str, str], ...]] = {
    "api_tokens": (("users", "user_id"),),
    "inbox_choices": (("users", "user_id"),),
    "mail_outbox": (("users", "user_id"),),
    "body_members": (("bodies", "body_id"),),
    "consents": (("cases", "case_id"),),
    "process_instances": (("cases", "case_id"), ("users", "started_by_id")),
    "consent_members": (("consents", "consent_id"),),
    "history": (("process_instances", "instance_id"),),
    "member_changes": (("household_members", "member_id"), ("cases", "case_id")),
    "timers": (("process_instances", "instance_id"),),
    "task_drafts": (("tasks", "task_id"),),
    "topic_cases": (("topics", "topic_id"),),
    "topic_events": (("topics", "topic_id"),),
    "agenda_items": (("meetings", "meeting_id"),),
}
# instances without case or starter: the row they run for
INSTANCE_OWNERS = ("topics", "referrals", "followups", "checks")
INDEXED = ("process_instances",)

# every table with a tenant_id at this revision (the ones above and those that had it)
TENANT_TABLES = (
    *BACKFILL,
    "agencies",
    "audit_log",
    "bodies",
    "case_notes",
    "cases",
    "checks",
    "deletion_records",
    "documents",
    "followups",
    "goals",
    "household_members",
    "meetings",
    "municipalities",
    "offer_gap_topics",
    "offer_gaps",
    "offer_links",
    "offer_needs",
    "offer_tags",
    "offer_versions",
    "offers",
    "process_incidents",
    "programme_events",
    "referrals",
    "regions",
    "sheet_catalogues",
    "tasks",
    "teams",
    "topics",
    "users",
)


def _fill(table: str, parent: str, column: str) -> None:
    op.execute(
        f"UPDATE {table} SET tenant_id = (SELECT p.tenant_id FROM {parent} p WHERE p.id = {table}.{column}) "
        f"WHERE tenant_id IS NULL AND {column} IS NOT NULL"
    )


def upgrade() -> None:
    for table in BACKFILL:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("tenant_id", sa.Integer(), nullable=True))
    for table, parents in BACKFILL.items():
        for parent, column in parents:
            _fill(table, parent, column)
        if table == "process_instances":
            for owner in INSTANCE_OWNERS:
                op.execute(
                    f"UPDATE process_instances SET tenant_id = (SELECT o.tenant_id FROM {owner} o "
                    f"WHERE o.instance_id = process_instances.id) WHERE tenant_id IS NULL"
                )
        op.execute(f"UPDATE {table} SET tenant_id = (SELECT min(id) FROM tenants) WHERE tenant_id IS NULL")
    for table in BACKFILL:
        with op.batch_alter_table(table) as batch:
            batch.alter_column("tenant_id", existing_type=sa.Integer(), nullable=False)
            batch.create_foreign_key(op.f(f"fk_{table}_tenant_id_tenants"), "tenants", ["tenant_id"], ["id"])
            if table in INDEXED:
                batch.create_index(op.f(f"ix_{table}_tenant_id"), ["tenant_id"])
    for table in TENANT_TABLES:
        enable_tenant_rls(op, table)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(op, table)
    drop_functions(op)
    for table in BACKFILL:
        with op.batch_alter_table(table) as batch:
            if table in INDEXED:
                batch.drop_index(op.f(f"ix_{table}_tenant_id"))
            batch.drop_constraint(op.f(f"fk_{table}_tenant_id_tenants"), type_="foreignkey")
            batch.drop_column("tenant_id")
