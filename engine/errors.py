"""Domain errors; the API turns each into an application/problem+json response."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .problem_kinds import KINDS


class KimError(Exception):
    """Base of all errors a user may see; ``detail`` is a German sentence for people.

    ``kind`` names the situation for machines (``engine/problem_kinds.py``); a raise site passes its
    own kind where the class default does not say enough (e.g. ``Conflict(..., kind="case-closed")``).
    """

    status = 400
    title = "Ungültige Anfrage"
    kind = "bad-request"

    def __init__(self, detail: str, *, kind: str | None = None, **extra: Any):
        super().__init__(detail)
        self.detail = detail
        self.extra = extra
        if kind is not None:
            # A kind documented with another status would make the documented table lie.
            known = KINDS.get(kind)
            if known is None or known.status != self.status:
                raise ValueError(f"problem kind {kind!r} is not registered for status {self.status}")
            self.kind = kind


class NotFound(KimError):
    status = 404
    title = "Nicht gefunden"
    kind = "not-found"


class Forbidden(KimError):
    status = 403
    title = "Keine Berechtigung"
    kind = "forbidden"


class Unauthorized(KimError):
    status = 401
    title = "Nicht angemeldet"
    kind = "unauthenticated"


class LoginRefused(Unauthorized):
    """A refused login whose bookkeeping (failure count, lockout) must still be saved."""

    keep_changes = True
    kind = "login-refused"


class Conflict(KimError):
    status = 409
    title = "Konflikt"
    kind = "conflict"


class InvalidInput(KimError):
    """422 with per-field errors: ``errors`` maps a field path to messages."""

    status = 422
    title = "Ungültige Eingaben"
    kind = "validation-failed"

    def __init__(self, detail: str, errors: dict[str, list[str]] | None = None, **extra: Any):
        super().__init__(detail, **extra)
        self.errors = errors or {}


class ProcessFailure(KimError):
    """The process definition could not continue with this input; nothing was saved."""

    status = 422
    title = "Prozessfehler"
    kind = "process-failure"


class ProcessModelError(KimError):
    """The process model failed at run time (a budget exceeded, a computed value out of bounds, an
    error in an expression), not the user's input. Everything of the attempt is rolled back;
    ``aftermath(session)`` then keeps what must survive (the user's entries as a draft, the incident
    for the process owners) in a unit of work of its own (api/context.py ``keep_after_rollback``)."""

    status = 409
    title = "Fehler im Prozessmodell"
    kind = "process-model-error"

    def __init__(self, detail: str, *, aftermath: Callable[[Any], None] | None = None, **extra: Any):
        super().__init__(detail, **extra)
        self.aftermath = aftermath
