"""The acting user as services see it: a plain value, not an ORM object."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who is acting, with the scope the access rules need."""

    id: int
    username: str
    role: str
    tenant_id: int
    municipality_id: int | None
    team_id: int | None
    agency: str | None = None
    display_name: str | None = None  # as pages show the user (None: not read with the actor)
