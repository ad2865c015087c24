"""What login views say about themselves to the rate limits (api/ratelimit.py), without importing them."""

from __future__ import annotations

from flask import g

MARK = "_kim_login_limited"
FAILED = "kim_login_failed"


def login_limited(view):
    """Mark a login view: its attempts count per client address, its failures per user name."""
    setattr(view, MARK, True)
    return view


def count_failure() -> None:
    """Count this request as a failed login (for views that answer a failure with a page, not 401)."""
    setattr(g, FAILED, True)


def login_failed() -> bool:
    """Whether this request was marked a failed login."""
    return bool(g.get(FAILED))
