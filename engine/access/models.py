"""Accounts and API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime

ROLES = ("case_manager", "coordinator", "process_owner", "steering", "authority", "admin", "dpo", "state")
# The state-level role (engine/state): accounts of a tenant of kind "state" that see the pseudonymised
# figures of every county side by side and nothing else. Created with `kim state user`, never by a
# county's administration.
STATE_ROLE = "state"
# The roles a county's administration gives (engine/access/admin.py).
ASSIGNABLE_ROLES = tuple(r for r in ROLES if r != STATE_ROLE)


class User(Base):
    __tablename__ = "users"
    # A user name is unique within its tenant: two counties may both have a ``coordinator``;
    # the login names the tenant (engine/access/tenants.py).
    __table_args__ = (UniqueConstraint("tenant_id", "username"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(30), index=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Authority staff (role "authority") see only referrals addressed to this agency.
    agency: Mapped[str | None] = mapped_column(String(40), index=True)
    # Where reminders go (daily digest, hand-over message; engine/mail); none: no mail.
    email: Mapped[str | None] = mapped_column(String(254))
    # Lockout: failures in a row since the last successful login, within the lockout window
    # that began at failures_since.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failures_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tenant = relationship("Tenant")
    municipality = relationship("Municipality")
    team = relationship("Team")


class ApiToken(Base):
    __tablename__ = "api_tokens"
    # Only the SHA-256 of a token is stored; the token itself is shown once.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))  # the user's
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "api" (bearer token) or "web" (the browser session's server-side half).
    kind: Mapped[str] = mapped_column(String(10), default="api", server_default="api")
