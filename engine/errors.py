"""Domain errors; the API turns each into an application/problem+json response."""
from __future__ import annotations

from typing import Any


class KimError(Exception):
    """Base of all errors a user may see; ``detail`` is a German sentence for people."""

    status = 400
    title = "Ungültige Anfrage"
    type = "about:blank"

    def __init__(self, detail: str, **extra: Any):
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(KimError):
    status = 404
    title = "Nicht gefunden"


class Forbidden(KimError):
    status = 403
    title = "Keine Berechtigung"


class Unauthorized(KimError):
    status = 401
    title = "Nicht angemeldet"


class LoginRefused(Unauthorized):
    """A refused login whose bookkeeping (failure count, lockout) must still be saved."""

    keep_changes = True


class Conflict(KimError):
    status = 409
    title = "Konflikt"


class InvalidInput(KimError):
    """422 with per-field errors: ``errors`` maps a field path to messages."""

    status = 422
    title = "Ungültige Eingaben"

    def __init__(self, detail: str, errors: dict[str, list[str]] | None = None, **extra: Any):
        super().__init__(detail, **extra)
        self.errors = errors or {}


class ProcessFailure(KimError):
    """The process definition could not continue with this input; nothing was saved."""

    status = 422
    title = "Prozessfehler"
