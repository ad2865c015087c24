"""Refuse NUL characters in any request before it reaches a view.

PostgreSQL cannot store NUL in text or JSON, and no person types one; rejecting it up front
gives the same clear 422 on every database instead of a failure deep in the driver.
"""
from __future__ import annotations

from flask import request

from engine.errors import InvalidInput

_MESSAGE = "Die Anfrage enthält ein unzulässiges Steuerzeichen (NUL)."


def _has_nul(value, depth: int = 0) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if depth > 64:
        return False
    if isinstance(value, dict):
        return any(_has_nul(k, depth + 1) or _has_nul(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v, depth + 1) for v in value)
    return False


def refuse_nul() -> None:
    """before_request hook: 422 if the query, form or JSON body holds a NUL character."""
    if any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
        raise InvalidInput(_MESSAGE)
    if request.mimetype == "application/x-www-form-urlencoded" and any(
            "\x00" in v for v in request.form.values()):
        raise InvalidInput(_MESSAGE)
    if request.is_json and _has_nul(request.get_json(silent=True)):
        raise InvalidInput(_MESSAGE)
